import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARCA_VERSION } from '../../src/platform/version.ts';
import { newerVersion, packageOfThisTree } from '../support/agent-packages.ts';
import { ARCA_BIN, runArca, startServer, stopChild, type RunningServer } from '../support/arca-process.ts';
import { agentViewOf } from '../support/agent-view.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { ARCA_API, backupNow, createVaultWithPolicy, protectedVm, waitForOperation, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';


/** The good newer agent, and a newer one still whose bin/arca.js fails at once. */
const NEWER = newerVersion(1);
const BROKEN = newerVersion(2);

/**
 * Agent updates against a real backup (ADR 7): `arca server`, `arca agent run` with
 * AutoUpdate.Enabled=y and the real VMSnapshot extension. A pre-script holds the snapshot task
 * running on a FIFO this test controls; a newer package published meanwhile is downloaded but not
 * run until the task has ended. Then a package that fails at start is set aside after its failed
 * starts and the version that ran before reports again.
 */
describe('arca agent: updates and running tasks, with real processes', () => {
  let dataDir: string;
  let machineDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let libDir: string;
  let confPath: string;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const logWaiters: { re: RegExp; resolve: () => void }[] = [];

  const { view, waitForView } = agentViewOf(() => world.arm, () => vm.id, () => agentLog);
  /** Resolves when the agent's log has a line matching `re`. */
  const logged = (re: RegExp, what: string): Promise<void> => {
    if (re.test(agentLog)) return Promise.resolve();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    logWaiters.push({ re, resolve });
    const timer = setTimeout(() => reject(new Error(`${what}\nagent log:\n${agentLog}`)), 20_000);
    return promise.finally(() => clearTimeout(timer));
  };
  const publish = async (version: string, body: Buffer) => {
    const response = await world.arm.request('PUT', `/arca/agentPackages/${version}`, { apiVersion: ARCA_API, body, headers: { 'content-type': 'application/gzip' } });
    assert.equal(response.status, 201, response.body);
  };
  const append = (chunk: string) => {
    agentLog += chunk;
    for (const waiter of logWaiters.filter((w) => w.re.test(agentLog))) {
      logWaiters.splice(logWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const startAgent = () => {
    agent = spawn(process.execPath, [ARCA_BIN, 'agent', 'run', '--config', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.setEncoding('utf8').on('data', append);
    agent.stderr?.setEncoding('utf8').on('data', append);
  };
  /** `count` more status reports after the one the vault shows now. */
  const reports = async (count: number) => {
    let seen = (await view()).statuses[0]?.time;
    for (let i = 0; i < count; i++) seen = (await waitForView((v) => v.statuses[0]?.time !== seen, 'the agent stopped reporting')).statuses[0]?.time;
    return view();
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-update-live-server-'));
    machineDir = await mkdtemp(join(tmpdir(), 'arca-update-live-machine-'));
    server = await startServer(dataDir, ['--retry-after', '0', '--snapshot-pickup-timeout', '30', '--snapshot-status-timeout', '60']);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'update-live-rg', vault: 'vault-1', location: 'westeurope' };
    vm = await protectedVm(world, 'app', await createVaultWithPolicy(world, 'daily', 2), machineDir, [1 << 20]);
    libDir = join(machineDir, 'lib');
    confPath = join(machineDir, 'agent.conf');

    // The pre-script says it started through one FIFO and waits on another until the test lets it go.
    // mkdtemp's folder is root's and 0700, so the script passes the extension's ownership checks.
    execFileSync('mkfifo', [join(machineDir, 'started.fifo'), join(machineDir, 'release.fifo')]);
    const script = join(machineDir, 'pre.sh');
    await writeFile(script, `#!/bin/sh\necho started > '${join(machineDir, 'started.fifo')}'\ncat '${join(machineDir, 'release.fifo')}' > /dev/null\n`);
    await chmod(script, 0o700);
    const snapshotConf = join(machineDir, 'vmsnapshot.json');
    await writeFile(snapshotConf, JSON.stringify({ preScript: script, scriptTimeoutSeconds: 60, minFreePercent: 0, cpuThresholdPercent: 100, memoryThresholdPercent: 100, loadTimeoutSeconds: 5 }));
    await writeFile(confPath, [
      `Lib.Dir=${libDir}`,
      `Extension.LogDir=${join(machineDir, 'log')}`,
      'Extensions.GoalStatePeriod=1',
      'AutoUpdate.Enabled=y',
      `VmSnapshot.ConfigFile=${snapshotConf}`,
      `Disks=${vm.images.map((i) => `${i.name}:${i.path}`).join(',')}`,
      '',
    ].join('\n'));
    const token = (await world.arm.request('POST', '/arca/registrationTokens', { apiVersion: ARCA_API, body: { machineId: vm.vmId } })).json<{ secret: string; caFingerprint: string }>();
    const registered = await runArca(['agent', 'register', '--config', confPath, '--vault', arm.info.url, '--token', token.secret, '--machine-id', vm.vmId, '--ca-fingerprint', token.caFingerprint]);
    assert.equal(registered.code, 0, registered.stderr);
  });

  after(async () => {
    await stopChild(agent, 'SIGTERM');
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(machineDir, { recursive: true, force: true });
  });

  it('does not restart into a newer version while a snapshot task runs; restarts once the task has ended', { timeout: 60_000 }, async () => {
    startAgent();
    await waitForView((v) => v.statuses[0]?.displayStatus === 'Ready' && v.vmAgentVersion === ARCA_VERSION, 'the agent never reported Ready');

    const { operationId } = await backupNow(world, 'app');
    // Resolves once the pre-script runs: the snapshot task is now held open on the machine.
    assert.equal((await readFile(join(machineDir, 'started.fifo'), 'utf8')).trim(), 'started');

    await publish(NEWER, await packageOfThisTree(machineDir, NEWER));
    await logged(/"msg":"agent update waits for the running tasks to end"/, 'the agent never held the update back');
    assert.ok((await readdir(join(libDir, 'versions'))).includes(NEWER), 'the update was downloaded meanwhile');
    const during = await reports(3);
    assert.equal(during.vmAgentVersion, ARCA_VERSION, 'no restart while the task runs');
    assert.doesNotMatch(agentLog, /"msg":"restarting into the agent update"/);

    await writeFile(join(machineDir, 'release.fifo'), 'go\n');
    const ended = await waitForOperation(world, operationId, 30_000);
    assert.equal(ended.status, 'Succeeded', `${JSON.stringify(ended)}\nagent log:\n${agentLog}`);
    const updated = await waitForView((v) => v.vmAgentVersion === NEWER && v.statuses[0]?.displayStatus === 'Ready', 'the agent never came back as the newer version');
    assert.equal(updated.statuses[0]?.displayStatus, 'Ready');
    // The task's last report went out from the old version, before the restart.
    const restartAt = agentLog.indexOf('"msg":"restarting into the agent update"');
    assert.ok(restartAt > agentLog.indexOf('"msg":"agent update waits for the running tasks to end"'));
  });

  it('a published version that exits at start is set aside after its failed starts; the version before it runs and reports again', { timeout: 60_000 }, async () => {
    await publish(BROKEN, await packageOfThisTree(machineDir, BROKEN, { arcaJs: 'process.exit(1);\n' }));
    await logged(/"msg":"agent version set aside"/, 'the broken version was never set aside');
    const state = JSON.parse(await readFile(join(libDir, 'update-state.json'), 'utf8')) as { setAside: Record<string, { failures: number; reason: string }> };
    assert.equal(state.setAside[BROKEN]?.failures, 3);
    assert.match(state.setAside[BROKEN]?.reason ?? '', /exited with code 1 before its first status report/);
    assert.match(agentLog, new RegExp(`"code":"AgentVersionSetAside".*"fallback":"${NEWER.replaceAll('.', '\\.')}"`));

    const lastSeen = (await view()).statuses[0]?.time;
    const back = await waitForView((v) => v.statuses[0]?.time !== lastSeen && v.statuses[0]?.displayStatus === 'Ready', 'the previous version never reported again');
    assert.equal(back.vmAgentVersion, NEWER);
    const again = await reports(2);
    assert.equal(again.vmAgentVersion, NEWER, 'the version set aside is not downloaded and tried again');
    assert.deepEqual(await readdir(join(libDir, 'versions')), [NEWER], 'the broken version\'s folder is removed once it is set aside');
    assert.equal(agentLog.match(new RegExp(`"msg":"supervisor starts the agent","component":"supervisor","version":"${BROKEN.replaceAll('.', '\\.')}"`, 'g'))?.length, 3);
  });
});

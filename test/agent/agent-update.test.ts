import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, lstat, mkdtemp, readFile, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sha256Of } from '../../src/platform/agent-package.ts';
import { ARCA_VERSION } from '../../src/platform/version.ts';
import { newerVersion, packageOfThisTree } from '../support/agent-packages.ts';
import { ARCA_BIN, runArca, startServer, stopChild, type RunningServer } from '../support/arca-process.ts';
import { agentViewOf } from '../support/agent-view.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { ARCA_API, backupNow, createVaultWithPolicy, protectedVm, waitForOperation, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';


/** The "newer agent" the vault publishes. */
const NEWER = newerVersion();
const REPO = resolve(import.meta.dirname, '..', '..');
const newerPackage = (dir: string): Promise<Buffer> => packageOfThisTree(dir, NEWER);

/** A tar entry written by hand whose name climbs out of the version folder. */
function escapingPackage(): Buffer {
  const header = Buffer.alloc(512);
  header.write('../../escaped.js', 0);
  header.write('0000644\0', 100);
  header.write('00000000001\0', 124);
  header.write('00000000000\0', 136);
  header.fill(' ', 148, 156);
  header.write('0', 156);
  header.write('ustar\0', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const body = Buffer.alloc(512);
  body.write('x');
  return gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]));
}

/**
 * Agent updates with real processes (ADR 7): `arca server` with a minimum agent version above this
 * agent's, a newer package published through the API, and `arca agent run`: with AutoUpdate.Enabled=n
 * it stays as it is (and is flagged out of date); with =y its supervisor refuses a damaged package
 * and, once the package is whole, runs the newer version, which the vault then sees.
 */
describe('arca agent: updates from the vault', () => {
  let dataDir: string;
  let machineDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let libDir: string;
  let confPath: string;
  let newer: Buffer;
  let agent: ChildProcess | undefined;
  let agentLog = '';

  const { view, waitForView } = agentViewOf(() => world.arm, () => vm.id, () => agentLog);
  const publish = (version: string, body: Buffer) =>
    world.arm.request('PUT', `/arca/agentPackages/${version}`, { apiVersion: ARCA_API, body, headers: { 'content-type': 'application/gzip' } });
  const writeConf = (autoUpdate: 'y' | 'n') =>
    writeFile(confPath, [`Lib.Dir=${libDir}`, `Extension.LogDir=${join(machineDir, 'log')}`, 'Extensions.GoalStatePeriod=1', 'Extensions.Enabled=n', `AutoUpdate.Enabled=${autoUpdate}`, `Disks=${vm.images.map((i) => `${i.name}:${i.path}`).join(',')}`, ''].join('\n'));
  const startAgent = () => {
    agentLog = '';
    agent = spawn(process.execPath, [ARCA_BIN, 'agent', 'run', '--config', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    return agent;
  };
  const stopAgent = async () => {
    assert.ok(agent);
    const exited = once(agent, 'exit');
    agent.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    agent = undefined;
    return code;
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-update-server-'));
    machineDir = await mkdtemp(join(tmpdir(), 'arca-update-machine-'));
    newer = await newerPackage(machineDir);
    server = await startServer(dataDir, ['--agent-min-version', NEWER, '--retry-after', '0']);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'update-rg', vault: 'vault-1', location: 'westeurope' };
    vm = await protectedVm(world, 'app', await createVaultWithPolicy(world, 'daily', 2), machineDir, [1 << 20]);
    libDir = join(machineDir, 'lib');
    confPath = join(machineDir, 'agent.conf');
    await writeConf('n');
    const token = (await world.arm.request('POST', '/arca/registrationTokens', { apiVersion: ARCA_API, body: { machineId: vm.vmId } })).json<{ secret: string; caFingerprint: string }>();
    const registered = await runArca(['agent', 'register', '--config', confPath, '--vault', arm.info.url, '--token', token.secret, '--machine-id', vm.vmId, '--ca-fingerprint', token.caFingerprint]);
    assert.equal(registered.code, 0, registered.stderr);
  });

  after(async () => {
    await stopChild(agent, 'SIGKILL');
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(machineDir, { recursive: true, force: true });
  });

  it('an Owner publishes a package; one with an entry that climbs out, or of another version, is refused with its code', async () => {
    const escaping = await publish(NEWER, escapingPackage());
    assert.equal(escaping.status, 400, escaping.body);
    assert.equal(escaping.json<{ error: { code: string } }>().error.code, 'AgentPackageEntryUnsafe');
    const mislabelled = await publish('9.9.9', newer);
    assert.equal(mislabelled.json<{ error: { code: string } }>().error.code, 'AgentPackageInvalid', mislabelled.body);
    const badVersion = await publish('1.0', newer);
    assert.equal(badVersion.json<{ error: { code: string } }>().error.code, 'AgentPackageVersionInvalid');

    const created = await publish(NEWER, newer);
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json<{ sha256: string }>().sha256, sha256Of(newer));
    assert.equal((await publish(NEWER, newer)).status, 200, 'the same bytes again are accepted as they are');
    const listed = (await world.arm.request('GET', '/arca/agentPackages', { apiVersion: ARCA_API })).json<{ value: { version: string }[]; newest: string; minimumAgentVersion: string }>();
    assert.deepEqual(listed.value.map((p) => p.version), [NEWER, ARCA_VERSION], 'the vault\'s own version is always offered');
    assert.deepEqual([listed.newest, listed.minimumAgentVersion], [NEWER, NEWER]);
  });

  it('with AutoUpdate.Enabled=n the agent stays as it is; the vault flags it out of date and refuses its backups with UserErrorGuestAgentOutdated', async () => {
    startAgent();
    const first = await waitForView((v) => v.statuses[0]?.displayStatus === 'Ready' && v.statuses[0]?.time !== undefined, 'the agent never reported Ready');
    assert.equal(first.vmAgentVersion, ARCA_VERSION);
    assert.deepEqual(first.statuses[1]?.code, 'UserErrorGuestAgentOutdated');
    assert.match(first.statuses[1]?.message ?? '', new RegExp(`supports ${NEWER.replaceAll('.', '\\.')} and later`));
    // Three more reports, each a goal-state period with the update on offer, and still nothing downloaded.
    let seen = first.statuses[0]?.time;
    for (let reports = 0; reports < 3; reports++) seen = (await waitForView((v) => v.statuses[0]?.time !== seen, 'the agent stopped reporting')).statuses[0]?.time;
    assert.equal((await view()).vmAgentVersion, ARCA_VERSION);
    await assert.rejects(stat(join(libDir, 'versions')), { code: 'ENOENT' }, 'nothing was downloaded');
    assert.doesNotMatch(agentLog, /downloading agent update/);

    const { operationId } = await backupNow(world, 'app');
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'UserErrorGuestAgentOutdated']);
    assert.equal(await stopAgent(), 0, agentLog);
  });

  it('with AutoUpdate.Enabled=y a package damaged in the vault is refused with AgentPackageChecksumMismatch and the agent keeps its version', async () => {
    const stored = join(dataDir, 'agent-packages', `arca-agent-${NEWER}.tar.gz`);
    await copyFile(stored, `${stored}.good`);
    const damaged = Buffer.from(newer);
    damaged[damaged.length - 10] = (damaged[damaged.length - 10] ?? 0) ^ 0xff;
    await writeFile(stored, damaged);
    await writeConf('y');
    startAgent();
    const refused = await waitForView((v) => /AgentPackageChecksumMismatch/.test(v.statuses[0]?.message ?? ''), 'the damaged package was never refused');
    assert.equal(refused.vmAgentVersion, ARCA_VERSION);
    assert.match(agentLog, /"msg":"agent update refused".*"code":"AgentPackageChecksumMismatch"/);
    await assert.rejects(stat(join(libDir, 'versions', NEWER)), { code: 'ENOENT' });
    assert.equal(await stopAgent(), 0, `SIGTERM stops the supervisor and its child\n${agentLog}`);
    await copyFile(`${stored}.good`, stored);
  });

  it('with AutoUpdate.Enabled=y the agent downloads the newer version and restarts into it; the vault sees it and lifts the flag', async () => {
    startAgent();
    const updated = await waitForView((v) => v.vmAgentVersion === NEWER && v.statuses[0]?.displayStatus === 'Ready', 'the agent never came back as the newer version');
    assert.equal(updated.statuses.length, 1, 'no longer out of date');
    assert.match(agentLog, /"msg":"restarting into the agent update"/);
    assert.match(agentLog, new RegExp(`"msg":"supervisor starts the agent","component":"supervisor","version":"${NEWER.replaceAll('.', '\\.')}"`));
    const dir = join(libDir, 'versions', NEWER);
    assert.equal(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).version, NEWER);
    assert.ok((await lstat(join(dir, 'node_modules'))).isSymbolicLink(), 'the update shares the installation\'s dependencies');
    assert.equal(await readlink(join(dir, 'node_modules')), await realpath(join(REPO, 'node_modules')));
    assert.equal(await stopAgent(), 0, agentLog);
    assert.equal((await view()).statuses[0]?.message, 'the agent was stopped', 'the newer child made the last report');
  });
});

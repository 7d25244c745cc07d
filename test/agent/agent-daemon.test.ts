import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARCA_VERSION } from '../../src/platform/version.ts';
import { ARCA_BIN, runArca, startServer, stopChild, type RunningServer } from '../support/arca-process.ts';
import { agentViewOf } from '../support/agent-view.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { ARCA_API, backupNow, createVaultWithPolicy, protectedVm, waitForOperation, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';

const UNRESPONSIVE_AFTER_S = 3;

/**
 * The real agent against the real server, both as child processes on loopback: `arca agent
 * register` pins the server's CA by the fingerprint handed out with the registration token and
 * stores its credentials; `arca agent run` reports Ready; with Extensions.Enabled=n a backup fails
 * with GuestAgentSnapshotTaskStatusError; once the agent is stopped and the server's window passes,
 * the machine shows Unresponsive and a backup fails with UserErrorGuestAgentStatusUnavailable.
 */
describe('arca agent: register and run against arca server', () => {
  let dataDir: string;
  let machineDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let confPath: string;
  let libDir: string;
  let agent: ChildProcess | undefined;
  let agentLog = '';

  const { view, waitForView } = agentViewOf(() => world.arm, () => vm.id, () => agentLog, { timeoutMs: 15000, intervalMs: 50 });
  const newToken = async () => {
    const created = await world.arm.request('POST', '/arca/registrationTokens', { apiVersion: ARCA_API, body: { machineId: vm.vmId } });
    assert.equal(created.status, 201, created.body);
    return created.json<{ secret: string; machineId: string; caFingerprint: string }>();
  };
  const register = (token: string, fingerprint: string, extra: string[] = []) =>
    runArca(['agent', 'register', '--config', confPath, '--vault', world.arm.info.url, '--token', token, '--machine-id', vm.vmId, '--ca-fingerprint', fingerprint, ...extra]);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-agent-e2e-server-'));
    machineDir = await mkdtemp(join(tmpdir(), 'arca-agent-e2e-machine-'));
    server = await startServer(dataDir, ['--agent-unresponsive-after', String(UNRESPONSIVE_AFTER_S), '--snapshot-pickup-timeout', '30', '--snapshot-status-timeout', '30', '--retry-after', '0']);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'agent-rg', vault: 'vault-1', location: 'westeurope' };
    const policyId = await createVaultWithPolicy(world, 'daily', 2);
    vm = await protectedVm(world, 'web', policyId, machineDir, [1 << 20, 1 << 20]);
    libDir = join(machineDir, 'lib');
    confPath = join(machineDir, 'agent.conf');
    await writeFile(
      confPath,
      [
        '# a machine whose disks are image files',
        `Lib.Dir=${libDir}`,
        `Extension.LogDir=${join(machineDir, 'log')}`,
        'Extensions.GoalStatePeriod=1',
        'Extensions.Enable=n',
        `Disks=${vm.images.map((image) => `${image.name}:${image.path}`).join(',')}`,
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await stopChild(agent, 'SIGKILL');
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(machineDir, { recursive: true, force: true });
  });

  it('config check reports the seed\'s misspelling as a warning and exits 0', async () => {
    const checked = await runArca(['agent', 'config', 'check', '--config', confPath]);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /agent\.conf:5: warning: Extensions\.Enable is read as Extensions\.Enabled/);
    assert.match(checked.stdout, /Extensions\.Enabled\s+n\s+line 5/);
  });

  it('a wrong CA fingerprint is refused before the token is spent; the right one registers, and a second registration is refused', async () => {
    const token = await newToken();
    const caPem = await readFile(join(dataDir, 'tls', 'ca.pem'), 'utf8');
    assert.equal(token.caFingerprint, new X509Certificate(caPem).fingerprint256, 'the token comes with the fingerprint of the server\'s CA');
    assert.equal(token.machineId, vm.vmId);
    const wrong = await register(token.secret, '00'.repeat(32));
    assert.equal(wrong.code, 4, wrong.stderr);
    assert.match(wrong.stderr, /AgentCaFingerprintMismatch/);

    const done = await register(token.secret, token.caFingerprint, ['-o', 'json']);
    assert.equal(done.code, 0, done.stderr);
    const shown = JSON.parse(done.stdout) as { machineId: string; vmResourceId: string; disks: { name: string; sizeBytes: number; encrypted: boolean }[]; agentToken?: string };
    assert.equal(shown.machineId, vm.vmId);
    assert.equal(shown.agentToken, undefined, 'the secret is not printed');
    assert.deepEqual(shown.disks.map((d) => [d.name, d.sizeBytes, d.encrypted]), [['web-os', 1 << 20, false], ['web-data1', 1 << 20, false]]);
    assert.equal((await stat(libDir)).mode & 0o777, 0o700);
    for (const file of ['credentials.json', 'ca.pem']) assert.equal((await stat(join(libDir, file))).mode & 0o777, 0o600, file);
    assert.equal(await readFile(join(libDir, 'ca.pem'), 'utf8'), new X509Certificate(caPem).toString(), 'the CA stored is the server\'s');

    const again = await register((await newToken()).secret, token.caFingerprint);
    assert.equal(again.code, 4);
    assert.match(again.stderr, /AgentAlreadyRegistered/);
  });

  it('the daemon reports Ready with its version and the reason extensions are off; a backup then fails with GuestAgentSnapshotTaskStatusError', async () => {
    agent = spawn(process.execPath, [ARCA_BIN, 'agent', 'run', '--config', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    const ready = await waitForView((v) => v.statuses[0]?.displayStatus === 'Ready' && /Extensions\.Enabled=n/.test(v.statuses[0]?.message ?? ''), 'the agent never reported Ready');
    assert.equal(ready.vmAgentVersion, ARCA_VERSION);

    const { operationId } = await backupNow(world, 'web');
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'GuestAgentSnapshotTaskStatusError']);
    const status = JSON.parse(await readFile(join(libDir, 'status.json'), 'utf8')) as { agent: { status: string } };
    assert.equal(status.agent.status, 'Ready');
  });

  it('stopped with SIGTERM, the agent exits cleanly; past the window the machine is Unresponsive and a backup fails with UserErrorGuestAgentStatusUnavailable', async () => {
    assert.ok(agent);
    const exited = once(agent, 'exit');
    agent.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, agentLog);
    const lines = agentLog.trim().split('\n').map((line) => JSON.parse(line) as { level: string; msg: string });
    assert.deepEqual(lines.map((l) => l.msg).filter((msg) => msg.startsWith('agent ')), ['agent started', 'agent stopped'], 'JSON logs from start to stop');
    assert.ok(lines[0]?.level === 'warn' && /Extensions\.Enable is read as/.test(JSON.stringify(lines[0])), 'the misspelling is logged first');

    assert.equal((await view()).statuses[0]?.message, 'the agent was stopped', 'the last report says the agent stopped');
    await waitForView((v) => v.statuses[0]?.displayStatus === 'Unresponsive', 'the machine never became Unresponsive');
    const { operationId } = await backupNow(world, 'web');
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'UserErrorGuestAgentStatusUnavailable']);
  });
});

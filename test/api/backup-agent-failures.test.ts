import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AzureIaaSComputeVMProtectedItem } from '@azure/arm-recoveryservicesbackup';
import { AGENT_API_VERSION, AGENT_PATHS } from '../../src/protocol/index.ts';
import { AGENT_TASKS } from '../../src/server/agents/agent-task-model.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import type { RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import {
  ARCA_API,
  backupNow,
  containerOf,
  createVaultWithPolicy,
  itemOf,
  moveClock,
  protectedVm,
  registerAgent,
  startClockServer,
  waitForOperation,
  type BackupWorld,
  type ProtectedVm,
} from '../support/backup-flow-fixtures.ts';
import { httpsRequest } from '../support/https-client.ts';
import type { TestAgent } from '../support/test-agent.ts';

type ErrorBody = { error: { code: string; message: string } };
const registration = (machineId: string, registrationToken: string) => ({ registrationToken, machineId, agent: { status: 'Ready', version: '1.0.0' }, disks: [] });
const SECOND = 1000;

/**
 * What stops a backup on the machine's side, with a clock the test moves (test/support/clock-server.ts)
 * instead of waiting out the windows: an agent that never registered, never picks the task up,
 * goes silent, or stopped reporting; a machine deleted while protected; and agents reaching for
 * what is not theirs.
 */
describe('backup failures on the agent side, and the agent protocol\'s boundaries', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let policyId: string;
  let vmA: ProtectedVm;
  let vmB: ProtectedVm;
  let agentA: TestAgent;
  let agentB: TestAgent;
  let offset = 0;
  const move = async (ms: number) => {
    offset += ms;
    await moveClock(world.arm, dataDir, offset);
  };
  const item = async (vm: string) =>
    (await world.sdk.protectedItems.get(world.vault, world.rg, 'Azure', containerOf(world.rg, vm), itemOf(world.rg, vm))).properties as AzureIaaSComputeVMProtectedItem;
  const jobOf = async (operationId: string) => ((await world.sdk.backupOperationStatuses.get(world.vault, world.rg, operationId)).properties as { jobId: string }).jobId;
  /** The snapshot task exists once the handler wrote it; read from the server's database, so that nothing picks it up. */
  const taskWritten = async (taskId: string) => {
    const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    try {
      const deadline = Date.now() + 10_000;
      while ((await store.get(AGENT_TASKS, taskId.toLowerCase())) === undefined) {
        assert.ok(Date.now() < deadline, 'the snapshot task was never written');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await store.close();
    }
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-agent-failures-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-agent-failures-machine-'));
    server = await startClockServer(dataDir, { agentUnresponsiveAfter: 300, snapshotPickupTimeout: 60, snapshotStatusTimeout: 120 });
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'app-rg', vault: 'vault-1', location: 'westeurope' };
    policyId = await createVaultWithPolicy(world, 'daily', 2);
    vmA = await protectedVm(world, 'app-a', policyId, workDir, [1 << 20]);
    vmB = await protectedVm(world, 'app-b', policyId, workDir, [1 << 20]);
    agentA = await registerAgent(world, vmA, dataDir, join(workDir, 'a'));
    agentB = await registerAgent(world, vmB, dataDir, join(workDir, 'b'));
  });

  after(async () => {
    await agentA?.close();
    await agentB?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('registration: a spent token, a machine that does not exist and a malformed body are refused, and each attempt is audited', async () => {
    const register = (body: unknown) => httpsRequest('POST', `${world.arm.info.url}${AGENT_PATHS.register}?api-version=${AGENT_API_VERSION}`, world.arm.ca, {}, body);
    const token = async (machineId: string) =>
      (await world.arm.request('POST', '/arca/registrationTokens', { apiVersion: ARCA_API, body: { machineId } })).json<{ secret: string }>().secret;
    const ghost = await register(registration('ghost-machine', await token('ghost-machine')));
    assert.equal(ghost.status, 404);
    assert.equal(ghost.json<ErrorBody>().error.code, 'ResourceNotFound');
    const secret = await token(vmA.vmId);
    assert.equal((await register(registration(vmA.vmId, secret))).status, 200);
    const spent = await register(registration(vmA.vmId, secret));
    assert.equal(spent.status, 401);
    assert.equal(spent.json<ErrorBody>().error.code, 'UserErrorRegistrationTokenInvalid');
    const wrongMachine = await register(registration(vmB.vmId, await token(vmA.vmId)));
    assert.equal(wrongMachine.json<ErrorBody>().error.code, 'UserErrorRegistrationTokenInvalid', 'a token registers only its own machine');
    const malformed = await register({ ...registration(vmA.vmId, await token(vmA.vmId)), disks: [{ name: 'app-a-os', path: 'relative/path', sizeBytes: 1 }] });
    assert.equal(malformed.status, 400);
    assert.match(malformed.json<ErrorBody>().error.message, /disks\[0\]\.path/);
    const noVersion = await httpsRequest('POST', `${world.arm.info.url}${AGENT_PATHS.register}`, world.arm.ca, {}, registration(vmA.vmId, "x"));
    assert.equal(noVersion.json<ErrorBody>().error.code, 'MissingApiVersionParameter');
    const audit = (await world.arm.request('GET', '/arca/audit?$top=200', { apiVersion: ARCA_API })).json<{ value: { path: string; status: number; code?: string }[] }>();
    const registrations = audit.value.filter((entry) => entry.path === AGENT_PATHS.register).map((entry) => entry.status);
    // Two more 200s: the agents registered before the tests.
    assert.deepEqual(registrations.toSorted(), [200, 200, 200, 400, 400, 401, 401, 404]);
  });

  it("an agent reaches only its own machine: another machine's goal state is forbidden", async () => {
    const other = await httpsRequest('GET', `${world.arm.info.url}${AGENT_PATHS.goalState(vmB.vmId)}?api-version=${AGENT_API_VERSION}`, world.arm.ca, { authorization: `Bearer ${agentA.token}` });
    assert.equal(other.status, 403);
    assert.equal(other.json<ErrorBody>().error.code, 'AuthorizationFailed');
    assert.equal((await agentA.goalState()).machineId, vmA.vmId);
  });

  it('a machine whose agent never registered fails at once with UserErrorGuestAgentStatusUnavailable', async () => {
    await protectedVm(world, 'app-c', policyId, workDir, [1 << 20]);
    const { operationId } = await backupNow(world, 'app-c');
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'UserErrorGuestAgentStatusUnavailable']);
    assert.deepEqual([(await item('app-c')).protectionState, (await item('app-c')).lastBackupStatus], ['ProtectionError', 'Failed']);
  });

  it('a task no agent picks up fails with UserErrorGuestAgentStatusUnavailable once its window passes', async () => {
    const { operationId } = await backupNow(world, 'app-a');
    await taskWritten(await jobOf(operationId));
    await move(61 * SECOND);
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'UserErrorGuestAgentStatusUnavailable']);
  });

  it('a task picked up and then never reported on fails with GuestAgentSnapshotTaskStatusError', async () => {
    const { operationId } = await backupNow(world, 'app-a');
    await agentA.runOnce({ waitForTask: true, stopAfter: 'pickup' });
    await move(121 * SECOND);
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'GuestAgentSnapshotTaskStatusError']);
    const job = (await world.sdk.jobDetails.get(world.vault, world.rg, await jobOf(operationId))).properties as { actionsInfo?: string[] };
    assert.deepEqual(job.actionsInfo, ['Retriable'], 'the catalog says trying again can help');
  });

  it('an agent silent past the window shows Unresponsive, cannot take a backup, and is Ready again once it reports', async () => {
    await move(301 * SECOND);
    const view = async () => (await world.arm.request('GET', `${vmA.id}/instanceView`, { apiVersion: '2024-03-01' })).json<{ vmAgent: { statuses: { displayStatus: string }[] } }>().vmAgent.statuses[0]?.displayStatus;
    assert.equal(await view(), 'Unresponsive');
    const { operationId } = await backupNow(world, 'app-a');
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'UserErrorGuestAgentStatusUnavailable']);
    await agentA.report();
    assert.equal(await view(), 'Ready');
  });

  it('a machine deleted while protected fails with BCMV2VMNotFound; its item is ProtectionPaused and keeps its last point', async () => {
    await agentB.report();
    const first = await backupNow(world, 'app-b');
    await agentB.runOnce({ waitForTask: true });
    assert.equal((await waitForOperation(world, first.operationId)).status, 'Succeeded');
    const taskOfB = await jobOf(first.operationId);
    const foreign = await agentA.report([{ taskId: taskOfB, status: 'transitioning', phase: 'snapshot' }]).catch((error: Error) => error.message);
    assert.match(String(foreign), /400.*names no task of this machine/, "an agent cannot report on another machine's task");
    const earlier = await item('app-b');
    assert.equal((await world.arm.request('DELETE', vmB.id, { apiVersion: '2024-03-01' })).status, 200);
    const { operationId } = await backupNow(world, 'app-b');
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual([ended.status, ended.error?.code], ['Failed', 'BCMV2VMNotFound']);
    const paused = await item('app-b');
    assert.equal(paused.protectionState, 'ProtectionPaused');
    assert.equal(paused.lastBackupStatus, 'Failed');
    assert.deepEqual(paused.lastRecoveryPoint, earlier.lastRecoveryPoint);
    const points = [];
    for await (const point of world.sdk.recoveryPoints.list(world.vault, world.rg, 'Azure', containerOf(world.rg, 'app-b'), itemOf(world.rg, 'app-b'))) points.push(point.name);
    assert.equal(points.length, 1, 'the last recovery point is kept');
  });
});

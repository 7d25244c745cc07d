import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AGENT_API_VERSION, AGENT_PATHS, SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION, type StatusReport } from '../../src/protocol/index.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { SCHEDULE_PLANS, type SchedulePlan } from '../../src/server/scheduler/index.ts';
import type { RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import {
  BACKUP_API,
  backupNow,
  createVaultWithPolicy,
  itemOf,
  containerOf,
  protectedVm,
  registerAgent,
  startClockServer,
  waitForOperation,
  type BackupWorld,
  type ProtectedVm,
} from '../support/backup-flow-fixtures.ts';
import { httpsRequest } from '../support/https-client.ts';
import type { TestAgent } from '../support/test-agent.ts';

interface Job {
  properties: { status: string; isUserTriggered?: boolean; errorDetails?: { code: string; errorCode: number }[] };
}

/**
 * The seed's failed extension: a handler that reports `error` (its install or enable failed) puts
 * the machine in the Failed provisioning state, so a scheduled backup fails with
 * UserErrorVmProvisioningStateFailed; the next on-demand backup asks the agent (goal state) to
 * remove and reinstall the extension, and once the handler reports success the machine is back to
 * Succeeded. The test agent stands in for the machine (the real agent reinstalls on `reinstall`,
 * src/extensions/host/process-extension-host.ts).
 */
describe('a failed extension: machine Failed, scheduled backups refused, the next on-demand backup reinstalls it', { timeout: 60_000 }, () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let agent: TestAgent;

  const vmPath = () => `/resourceGroups/${world.rg}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;
  const provisioning = async () => (await world.arm.request('GET', vmPath(), { apiVersion: '2024-03-01' })).json<{ properties: { provisioningState: string } }>().properties.provisioningState;

  async function reportHandler(status: 'error' | 'success', handlerState: 'Installed' | 'Enabled'): Promise<void> {
    const report: StatusReport = {
      agent: { status: 'Ready', version: '1.0.0' },
      extensions: [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState, status: { status, code: status === 'error' ? 770201 : 0, message: status === 'error' ? 'enable failed: exit 1' : 'Enabled' } }],
      tasks: [],
    };
    const answer = await httpsRequest('PUT', `${world.arm.info.url}${AGENT_PATHS.status(vm.vmId)}?api-version=${AGENT_API_VERSION}`, world.arm.ca, { authorization: `Bearer ${agent.token}` }, report);
    assert.equal(answer.status, 200, answer.body);
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-extension-failed-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-extension-failed-machine-'));
    server = await startClockServer(dataDir, { schedulerInterval: 1 });
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'app-rg', vault: 'vault-1', location: 'westeurope' };
    const policyId = await createVaultWithPolicy(world, 'daily', 2);
    vm = await protectedVm(world, 'app-f', policyId, workDir, [1 << 20]);
    agent = await registerAgent(world, vm, dataDir, join(workDir, 'agent'));
    await agent.report();
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('puts the machine in Failed when a handler reports error, and leaves it there while the error stands', async () => {
    assert.equal(await provisioning(), 'Succeeded');
    await reportHandler('error', 'Installed');
    assert.equal(await provisioning(), 'Failed');
    await reportHandler('error', 'Installed');
    assert.equal(await provisioning(), 'Failed');
    const view = (await world.arm.request('GET', `${vmPath()}/instanceView`, { apiVersion: '2024-03-01' })).json<{ statuses: { code: string }[] }>();
    assert.equal(view.statuses[0]?.code, 'ProvisioningState/failed');
  });

  it('fails a scheduled backup with UserErrorVmProvisioningStateFailed', async () => {
    // As if the vault had last planned the item yesterday: the policy's daily slot is due at the next tick.
    const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    try {
      const id = `/subscriptions/${world.arm.info.subscriptionId}/resourceGroups/${world.rg}/providers/Microsoft.RecoveryServices/vaults/${world.vault}/backupFabrics/Azure/protectionContainers/${containerOf(world.rg, vm.name)}/protectedItems/${itemOf(world.rg, vm.name)}`;
      const plan = await store.get<SchedulePlan>(SCHEDULE_PLANS, id.toLowerCase());
      assert.ok(plan, "protecting the item started the item's plan");
      await store.put<SchedulePlan>(SCHEDULE_PLANS, { id: plan.id, data: { ...plan.data, plannedThrough: new Date(Date.now() - 86_400_000).toISOString() }, index: plan.index }, { expectedVersion: plan.version });
    } finally {
      await store.close();
    }
    const jobs = `/resourceGroups/${world.rg}/providers/Microsoft.RecoveryServices/vaults/${world.vault}/backupJobs`;
    let scheduled: Job | undefined;
    for (const deadline = Date.now() + 15_000; scheduled === undefined; ) {
      const listed = (await world.arm.request('GET', jobs, { apiVersion: BACKUP_API })).json<{ value: Job[] }>();
      scheduled = listed.value.find((job) => job.properties.isUserTriggered === false && job.properties.status !== 'InProgress');
      assert.ok(scheduled || Date.now() < deadline, 'the scheduler ran the due backup');
      if (!scheduled) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(scheduled.properties.status, 'Failed');
    assert.equal(scheduled.properties.errorDetails?.[0]?.code, 'UserErrorVmProvisioningStateFailed');
  });

  it('lets an on-demand backup through with a reinstall in the goal state, and the machine returns to Succeeded', async () => {
    const { operationId } = await backupNow(world, vm.name);
    let goal = await agent.goalState();
    for (const deadline = Date.now() + 10_000; !goal.extensions.some((e) => e.settings.tasks.length > 0); goal = await agent.goalState()) {
      assert.ok(Date.now() < deadline, 'the backup wrote its task');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [task] = goal.extensions.flatMap((e) => e.settings.tasks);
    assert.equal(task?.reinstall, true, 'the task asks the agent to remove and reinstall the failed extension');
    // The agent reinstalls, runs the task and reports the handler Enabled with success.
    const { done } = await agent.runOnce();
    assert.equal(done.length, 1);
    const finished = await waitForOperation(world, operationId);
    assert.equal(finished.status, 'Succeeded', JSON.stringify(finished));
    assert.equal(await provisioning(), 'Succeeded');
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { httpsRequest } from '../support/https-client.ts';

/**
 * The published Azure SDK clients, unmodified, pointed at a real `arca server` over HTTPS: the
 * proof that Arca's API has the shape Azure tooling expects.
 */
describe('Azure SDK clients drive Arca end to end', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let backup: RecoveryServicesBackupClient;
  let vaults: RecoveryServicesClient;
  const rg = 'sdk-rg';
  const vault = 'sdk-vault';
  const vm = 'web-1';
  const container = `IaasVMContainer;iaasvmcontainerv2;${rg};${vm}`;
  const item = `VM;iaasvmcontainerv2;${rg};${vm}`;
  let policyId = '';
  let vmId = '';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-sdk-'));
    // 0: the server leaves polling pace to the client, which polls every few milliseconds here.
    server = await startServer(dataDir, ['--retry-after', '0']);
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    arm = await ArmTestClient.forDataDir(dataDir, token);
    // The SDK signs in as a service principal, with a client secret exchanged at Arca's token endpoint.
    const principal = await arm.request('POST', '/arca/principals', { apiVersion: '2026-11-01', body: { name: 'sdk-automation', type: 'ServicePrincipal', role: 'Owner' } });
    assert.equal(principal.status, 201, principal.body);
    const { clientId, clientSecret, tokenEndpoint } = principal.json<{ clientId: string; clientSecret: string; tokenEndpoint: string }>();
    const credential = {
      getToken: async () => {
        const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: `${arm.info.url}/.default` });
        const response = await httpsRequest('POST', tokenEndpoint, arm.ca, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
        assert.equal(response.status, 200, response.body);
        const { access_token, expires_in } = response.json<{ access_token: string; expires_in: number }>();
        return { token: access_token, expiresOnTimestamp: Date.now() + expires_in * 1000 };
      },
    };
    const options = { endpoint: arm.info.url, tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } };
    backup = new RecoveryServicesBackupClient(credential, arm.info.subscriptionId, options);
    vaults = new RecoveryServicesClient(credential, arm.info.subscriptionId, options);
    assert.equal((await arm.request('PUT', `/resourcegroups/${rg}`, { apiVersion: '2021-04-01', body: { location: 'westeurope' } })).status, 201);
    const created = await arm.request('PUT', `/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${vm}`, {
      apiVersion: '2024-03-01',
      body: {
        location: 'westeurope',
        properties: {
          hardwareProfile: { vmSize: 'Standard_B2s' },
          storageProfile: { osDisk: { name: `${vm}-os`, diskSizeGB: 30, osType: 'Linux' }, dataDisks: [] },
        },
      },
    });
    assert.ok(created.status === 200 || created.status === 201, created.body);
    vmId = created.json<{ id: string }>().id;
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates and reads a Recovery Services vault', async () => {
    const created = await vaults.vaults.createOrUpdate(rg, vault, { location: 'westeurope', sku: { name: 'Standard' }, properties: {} }, { updateIntervalInMs: 5 });
    assert.equal(created.name, vault);
    const read = await vaults.vaults.get(rg, vault);
    assert.equal(read.location, 'westeurope');
    const listed: string[] = [];
    for await (const v of vaults.vaults.listByResourceGroup(rg)) listed.push(v.name ?? '');
    assert.deepEqual(listed, [vault]);
  });

  it('creates, reads and lists an AzureIaasVM policy', async () => {
    const policy = await backup.protectionPolicies.createOrUpdate(vault, rg, 'daily-30', {
      properties: {
        backupManagementType: 'AzureIaasVM',
        schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [new Date('2026-01-01T02:30:00Z')] },
        retentionPolicy: {
          retentionPolicyType: 'LongTermRetentionPolicy',
          dailySchedule: { retentionTimes: [new Date('2026-01-01T02:30:00Z')], retentionDuration: { count: 30, durationType: 'Days' } },
        },
        instantRpRetentionRangeInDays: 2,
        timeZone: 'UTC',
        policyType: 'V1',
      } as never,
    });
    assert.equal(policy.name, 'daily-30');
    policyId = policy.id ?? '';
    assert.match(policyId, /backupPolicies\/daily-30$/);
    const names: string[] = [];
    for await (const p of backup.backupPolicies.list(vault, rg, { filter: "backupManagementType eq 'AzureIaasVM'" })) names.push(p.name ?? '');
    assert.ok(names.includes('daily-30'));
  });

  it('lists the machine as protectable and enables its protection', async () => {
    const refreshed: number[] = [];
    await backup.protectionContainers.refresh(vault, rg, 'Azure', { onResponse: (r) => refreshed.push(r.status) });
    assert.deepEqual(refreshed, [202]);
    const protectable: string[] = [];
    for await (const p of backup.backupProtectableItems.list(vault, rg, { filter: "backupManagementType eq 'AzureIaasVM'" })) {
      protectable.push((p.properties as { virtualMachineId?: string }).virtualMachineId ?? '');
    }
    assert.ok(protectable.some((id) => id.toLowerCase() === vmId.toLowerCase()), `protectable: ${protectable.join(', ')}`);
    await backup.protectedItems.createOrUpdate(vault, rg, 'Azure', container, item, {
      properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: vmId, policyId } as never,
    });
    const got = await backup.protectedItems.get(vault, rg, 'Azure', container, item);
    const properties = got.properties as { protectionState?: string; policyId?: string; friendlyName?: string };
    assert.equal(properties.protectionState, 'IRPending');
    assert.equal(properties.friendlyName, vm);
    const listed: string[] = [];
    for await (const p of backup.backupProtectedItems.list(vault, rg, { filter: "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'" })) listed.push(p.name ?? '');
    assert.deepEqual(listed.map((n) => n.toLowerCase()), [item.toLowerCase()]);
  });

  it('lists jobs with Azure\'s filter grammar and reports a bad filter with its catalog code', async () => {
    const jobs: string[] = [];
    const filter = "backupManagementType eq 'AzureIaasVM' and status eq 'InProgress' and startTime eq '2026-01-01 00:00:00 AM' and endTime eq '2036-01-01 00:00:00 AM'";
    for await (const job of backup.backupJobs.list(vault, rg, { filter })) jobs.push(job.name ?? '');
    assert.deepEqual(jobs, [], 'nothing runs yet');
    await assert.rejects(
      async () => {
        for await (const job of backup.backupJobs.list(vault, rg, { filter: "colour eq 'blue'" })) assert.fail(`unexpected job ${job.name}`);
      },
      (error: { statusCode?: number; code?: string }) => error.statusCode === 400 && error.code === 'UserErrorInvalidJobFilter',
    );
  });
});

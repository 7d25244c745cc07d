import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

const RG_V = '2021-04-01';
const KV_V = '2023-07-01';
const SA_V = '2023-01-01';
const NET_V = '2023-09-01';
type ErrorBody = { error: { code: string; message: string } };
type Policy = { tenantId: string; objectId: string; permissions: { keys: string[]; secrets: string[] } };

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const BACKUP = '00000000-0000-0000-0000-00000000b4c5';
const OTHER = '11111111-2222-3333-4444-555555555555';
const RG = '/resourceGroups/Deps-RG';
const sa = (rg: string, name: string) => `/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
const ip = (rg: string, name: string) => `/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/${name}`;
const withLabel = (label: string, location = 'westeurope') => ({ location, properties: { dnsSettings: { domainNameLabel: label } } });

describe('resources backup depends on, over HTTPS: key vaults, storage accounts, virtual networks, DNS labels', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  const check = (location: string, label: string) => arm.request('GET', `/providers/Microsoft.Network/locations/${location}/CheckDnsNameAvailability?domainNameLabel=${label}`, { apiVersion: NET_V });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-deps-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    for (const rg of ['Deps-RG', 'Other-RG']) assert.equal((await arm.request('PUT', `/resourcegroups/${rg}`, { apiVersion: RG_V, body: { location: 'westeurope' } })).status, 201);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('key vaults', () => {
    const kv = `${RG}/providers/Microsoft.KeyVault/vaults/kv-prod`;
    const change = (kind: string, accessPolicies: unknown[]) => arm.request('PUT', `${kv}/accessPolicies/${kind}`, { apiVersion: KV_V, body: { properties: { accessPolicies } } });
    const policies = async () => (await arm.request('GET', kv, { apiVersion: KV_V })).json<{ properties: { accessPolicies: Policy[] } }>().properties.accessPolicies;

    it('creates a key vault with an access policy and reads it back', async () => {
      const body = {
        location: 'westeurope',
        properties: { tenantId: TENANT, sku: { family: 'A', name: 'Standard' }, enabledForDiskEncryption: true, accessPolicies: [{ tenantId: TENANT, objectId: OTHER, permissions: { keys: ['Get'], secrets: [] } }] },
      };
      const created = await arm.request('PUT', kv, { apiVersion: KV_V, body });
      assert.equal(created.status, 201, created.body);
      const vault = created.json<{ type: string; properties: { sku: { name: string }; enabledForDiskEncryption: boolean } }>();
      assert.equal(vault.type, 'Microsoft.KeyVault/vaults');
      assert.equal(vault.properties.sku.name, 'standard');
      assert.equal(vault.properties.enabledForDiskEncryption, true);
      assert.deepEqual((await policies())[0]?.permissions.keys, ['get']);
    });

    it('adds, removes and replaces access policies as Azure does', async () => {
      const added = await change('add', [{ tenantId: TENANT, objectId: BACKUP, permissions: { keys: ['get', 'list'], secrets: ['get', 'list'] } }]);
      assert.equal(added.status, 200, added.body);
      assert.equal(added.json<{ name: string }>().name, 'add');
      assert.equal((await policies()).length, 2);
      assert.equal((await change('remove', [{ tenantId: TENANT, objectId: BACKUP, permissions: { keys: ['list'] } }])).status, 200);
      assert.deepEqual((await policies()).find((p) => p.objectId === BACKUP)?.permissions.keys, ['get']);
      assert.equal((await change('replace', [{ tenantId: TENANT, objectId: BACKUP, permissions: { keys: ['all'] } }])).status, 200);
      assert.deepEqual((await policies()).map((p) => p.objectId), [BACKUP]);
      const badKind = await change('merge', []);
      assert.equal(badKind.json<ErrorBody>().error.code, 'UserErrorInvalidArgument');
      const badPermission = await change('add', [{ tenantId: TENANT, objectId: BACKUP, permissions: { keys: ['steal'] } }]);
      assert.equal(badPermission.json<ErrorBody>().error.code, 'InvalidRequestContent');
      assert.match(badPermission.json<ErrorBody>().error.message, /keys\[0\] must be one of/);
    });

    it('refuses a key vault without a tenant GUID or a known SKU, and one with a bad name', async () => {
      const noTenant = await arm.request('PUT', `${RG}/providers/Microsoft.KeyVault/vaults/kv2`, { apiVersion: KV_V, body: { location: 'westeurope', properties: { tenantId: 'me', sku: { name: 'standard' } } } });
      assert.match(noTenant.json<ErrorBody>().error.message, /tenantId must be a GUID/);
      const noSku = await arm.request('PUT', `${RG}/providers/Microsoft.KeyVault/vaults/kv2`, { apiVersion: KV_V, body: { location: 'westeurope', properties: { tenantId: TENANT, sku: { name: 'gold' } } } });
      assert.equal(noSku.json<ErrorBody>().error.code, 'InvalidRequestContent');
      const badName = await arm.request('PUT', `${RG}/providers/Microsoft.KeyVault/vaults/kv--2`, { apiVersion: KV_V, body: { location: 'westeurope', properties: { tenantId: TENANT, sku: { name: 'standard' } } } });
      assert.equal(badName.json<ErrorBody>().error.code, 'UserErrorInvalidArgument');
    });
  });

  describe('storage accounts', () => {

    it('creates an account available by default, then takes it offline through PUT', async () => {
      const created = await arm.request('PUT', sa('Deps-RG', 'restoretarget1'), { apiVersion: SA_V, body: { location: 'westeurope', sku: { name: 'standard_lrs' }, kind: 'StorageV2' } });
      assert.equal(created.status, 201, created.body);
      const account = created.json<{ sku: { name: string; tier: string }; properties: { statusOfPrimary: string; primaryLocation: string } }>();
      assert.deepEqual(account.sku, { name: 'Standard_LRS', tier: 'Standard' });
      assert.equal(account.properties.statusOfPrimary, 'available');
      const offline = await arm.request('PUT', sa('Deps-RG', 'restoretarget1'), { apiVersion: SA_V, body: { location: 'westeurope', sku: { name: 'Standard_LRS' }, properties: { statusOfPrimary: 'unavailable' } } });
      assert.equal(offline.status, 200);
      assert.equal(offline.json<{ properties: { statusOfPrimary: string } }>().properties.statusOfPrimary, 'unavailable');
    });

    it('keeps names unique across resource groups and refuses unknown SKUs and bad names', async () => {
      const taken = await arm.request('PUT', sa('Other-RG', 'restoretarget1'), { apiVersion: SA_V, body: { location: 'westeurope', sku: { name: 'Standard_GRS' } } });
      assert.equal(taken.status, 409);
      assert.equal(taken.json<ErrorBody>().error.code, 'StorageAccountAlreadyTaken');
      const sku = await arm.request('PUT', sa('Other-RG', 'restoretarget2'), { apiVersion: SA_V, body: { location: 'westeurope', sku: { name: 'Standard_XYZ' } } });
      assert.match(sku.json<ErrorBody>().error.message, /sku.name must be one of/);
      const name = await arm.request('PUT', sa('Other-RG', 'Restore_Target'), { apiVersion: SA_V, body: { location: 'westeurope', sku: { name: 'Standard_LRS' } } });
      assert.equal(name.json<ErrorBody>().error.code, 'UserErrorInvalidArgument');
    });
  });

  describe('virtual networks and subnets', () => {
    const net = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet1`;

    it('creates a network with subnets, served also as child resources', async () => {
      const body = { location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'default', properties: { addressPrefix: '10.0.0.0/24' } }] } };
      const created = await arm.request('PUT', net, { apiVersion: NET_V, body });
      assert.equal(created.status, 201, created.body);
      const subnet = created.json<{ id: string; properties: { subnets: { id: string; type: string }[] } }>().properties.subnets[0];
      assert.equal(subnet?.id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/Deps-RG/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default`);
      assert.equal(subnet?.type, 'Microsoft.Network/virtualNetworks/subnets');
      const added = await arm.request('PUT', `${net}/subnets/backend`, { apiVersion: NET_V, body: { properties: { addressPrefix: '10.0.1.0/24' } } });
      assert.equal(added.status, 201, added.body);
      assert.equal((await arm.request('GET', `${net}/subnets/BACKEND`, { apiVersion: NET_V })).status, 200);
      const list = await arm.request('GET', `${net}/subnets`, { apiVersion: NET_V });
      assert.deepEqual(list.json<{ value: { name: string }[] }>().value.map((s) => s.name), ['default', 'backend']);
      assert.equal((await arm.request('DELETE', `${net}/subnets/backend`, { apiVersion: NET_V })).status, 200);
      const gone = await arm.request('GET', `${net}/subnets/backend`, { apiVersion: NET_V });
      assert.equal(gone.status, 404);
    });

    const badSubnets: [name: string, prefix: string, reason: RegExp][] = [
      ['outside the address space', '192.168.0.0/24', /not inside the address space/],
      ['overlapping another subnet', '10.0.0.128/25', /overlaps subnet default/],
      ['with host bits set', '10.0.2.1/24', /host bits set; the prefix is 10.0.2.0\/24/],
      ['that is not a prefix', '10.0.300.0/24', /not an IPv4 prefix/],
    ];
    for (const [name, prefix, reason] of badSubnets) {
      it(`refuses a subnet ${name}`, async () => {
        const response = await arm.request('PUT', `${net}/subnets/bad`, { apiVersion: NET_V, body: { properties: { addressPrefix: prefix } } });
        assert.equal(response.status, 400);
        assert.equal(response.json<ErrorBody>().error.code, 'InvalidRequestContent');
        assert.match(response.json<ErrorBody>().error.message, reason);
      });
    }

    it('refuses a subnet of a network that does not exist', async () => {
      const response = await arm.request('PUT', `${RG}/providers/Microsoft.Network/virtualNetworks/none/subnets/a`, { apiVersion: NET_V, body: { properties: { addressPrefix: '10.0.0.0/24' } } });
      assert.equal(response.status, 404);
      assert.equal(response.json<ErrorBody>().error.code, 'ParentResourceNotFound');
    });
  });

  describe('DNS name labels', () => {

    it('takes a label with a public IP address and reports it unavailable in that location only', async () => {
      assert.equal((await check('westeurope', 'web01-prod')).json<{ available: boolean }>().available, true);
      assert.equal((await arm.request('PUT', ip('Deps-RG', 'web01-ip'), { apiVersion: NET_V, body: withLabel('web01-prod') })).status, 201);
      assert.equal((await check('West Europe', 'web01-prod')).json<{ available: boolean }>().available, false);
      assert.equal((await check('eastus', 'web01-prod')).json<{ available: boolean }>().available, true);
    });

    it('refuses the same label for another address in the location, and frees it on delete', async () => {
      const refused = await arm.request('PUT', ip('Other-RG', 'copy-ip'), { apiVersion: NET_V, body: withLabel('web01-prod') });
      assert.equal(refused.status, 409);
      assert.equal(refused.json<ErrorBody>().error.code, 'DnsRecordInUse');
      assert.equal((await arm.request('PUT', ip('Other-RG', 'east-ip'), { apiVersion: NET_V, body: withLabel('web01-prod', 'eastus') })).status, 201);
      assert.equal((await arm.request('PUT', ip('Deps-RG', 'web01-ip'), { apiVersion: NET_V, body: withLabel('web01-prod') })).status, 200, 'keeping its own label is not a clash');
      assert.equal((await arm.request('DELETE', ip('Deps-RG', 'web01-ip'), { apiVersion: NET_V })).status, 200);
      assert.equal((await check('westeurope', 'web01-prod')).json<{ available: boolean }>().available, true);
    });

    it('refuses labels that break Azure\'s rule', async () => {
      const body = await arm.request('PUT', ip('Deps-RG', 'x-ip'), { apiVersion: NET_V, body: withLabel('Web_01') });
      assert.equal(body.json<ErrorBody>().error.code, 'InvalidRequestContent');
      const query = await check('westeurope', '-x');
      assert.equal(query.json<ErrorBody>().error.code, 'UserErrorInvalidArgument');
    });
  });

  it('answers malformed bodies on every PUT with a catalog error, never a 5xx', async () => {
    const routes: [path: string, apiVersion: string][] = [
      [`${RG}/providers/Microsoft.Compute/virtualMachines/vm`, '2024-03-01'],
      [`${RG}/providers/Microsoft.Authorization/locks/l`, '2016-09-01'],
      [`${RG}/providers/Microsoft.KeyVault/vaults/kv-prod`, KV_V],
      [`${RG}/providers/Microsoft.KeyVault/vaults/kv-prod/accessPolicies/add`, KV_V],
      [`${RG}/providers/Microsoft.Storage/storageAccounts/sa1`, SA_V],
      [`${RG}/providers/Microsoft.Network/virtualNetworks/vnet1`, NET_V],
      [`${RG}/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/s`, NET_V],
      [`${RG}/providers/Microsoft.Network/publicIPAddresses/ip`, NET_V],
      [`${RG}/providers/Arca.Management/quotas/virtualMachines`, '2026-11-01'],
    ];
    const bodies: unknown[] = [
      'x', 1, null, [], { location: 5 }, { location: 'westeurope', properties: [] }, { location: 'westeurope', tags: [] },
      { location: 'westeurope', properties: { hardwareProfile: [], storageProfile: { osDisk: [], dataDisks: [null] } } },
      { location: 'westeurope', properties: { hardwareProfile: { vmSize: 'a' }, storageProfile: { osDisk: { diskSizeGB: 1e300, encryption: 'x' }, dataDisks: [{}, 5] } } },
      { location: 'westeurope', sku: [], kind: 5, properties: { statusOfPrimary: {}, level: [], accessPolicies: [null], tenantId: 5, addressSpace: { addressPrefixes: [5] }, subnets: [{ name: 5 }], dnsSettings: { domainNameLabel: 5 }, limit: 1.5, addressPrefix: ['x'] } },
      { properties: { accessPolicies: [{ tenantId: TENANT, objectId: BACKUP, permissions: { keys: [{}], secrets: 'all' } }] } },
    ];
    for (const [path, apiVersion] of routes) {
      for (const body of bodies) {
        const response = await arm.request('PUT', path, { apiVersion, body: JSON.stringify(body) });
        assert.ok(response.status < 500, `${path} ${JSON.stringify(body)} answered ${response.status}`);
        // Unknown fields are ignored, as ARM does, so some of these bodies are acceptable.
        if (response.status >= 400) assert.ok(response.json<ErrorBody>().error.code, response.body);
      }
    }
  });
});

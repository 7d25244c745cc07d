import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecoveryPointRecord } from '../points/index.ts';
import type { DiskEncryption, VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { sourceEncryption } from './restore-source.ts';

const KV = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-1';
const point = (properties: Record<string, unknown>) => ({ properties }) as unknown as RecoveryPointRecord;
const vm = (type: DiskEncryption) =>
  ({ properties: { storageProfile: { osDisk: { name: 'os', diskSizeGB: 1, encryption: type === 'None' || type === 'LUKS' ? { type } : { type, keyVaultId: KV } }, dataDisks: [] } } }) as unknown as VirtualMachineRecord;

describe('the encryption a restore must honour', () => {
  const cases: { name: string; source: Parameters<typeof sourceEncryption>[0]; expected: ReturnType<typeof sourceEncryption> }[] = [
    { name: 'the point\'s keys with a KEK', source: { point: point({ keyAndSecret: { bekDetails: { secretUrl: 'u', secretVaultId: KV }, kekDetails: { keyUrl: 'k', keyVaultId: KV } } }) }, expected: { encrypted: true, bekOnly: false, keyVaultIds: [KV] } },
    { name: 'the point\'s keys without a KEK', source: { point: point({ keyAndSecret: { bekDetails: { secretUrl: 'u', secretVaultId: KV } } }) }, expected: { encrypted: true, bekOnly: true, keyVaultIds: [KV] } },
    { name: 'a point without keys, from the machine\'s BEK-only disks', source: { point: point({ isSourceVMEncrypted: true }), vm: vm('BEK') }, expected: { encrypted: true, bekOnly: true, keyVaultIds: [KV] } },
    { name: 'disks encrypted inside the guest (LUKS), which need no key vault', source: { point: point({ isSourceVMEncrypted: true }), vm: vm('LUKS') }, expected: { encrypted: false, bekOnly: false, keyVaultIds: [] } },
    { name: 'a machine that is gone and a point that says nothing', source: { point: point({}) }, expected: { encrypted: false, bekOnly: false, keyVaultIds: [] } },
  ];
  for (const { name, source, expected } of cases) it(`reads ${name}`, () => assert.deepEqual(sourceEncryption(source), expected));
});

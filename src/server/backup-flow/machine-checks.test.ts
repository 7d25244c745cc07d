import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { T0, tempStore, vmOf } from '../jobs/test-support.ts';
import type { MetadataStore } from '../persistence/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { saveVirtualMachine } from '../resources/virtual-machines-store.ts';
import { checkMachine } from './machine-checks.ts';

const MINUTE = 60_000;
const OPTIONS = { agentUnresponsiveMs: 10 * MINUTE, backupServiceObjectId: '00000000-0000-5000-8000-000000000001' };

const code = (expected: string, param?: [string, string]) => (error: unknown) =>
  isArcaError(error) && error.code === expected && (param === undefined || error.params[param[0]] === param[1]);

function vm(name: string, change: (vm: VirtualMachineRecord) => VirtualMachineRecord = (v) => v): VirtualMachineRecord {
  return change({
    id: vmOf(name),
    name,
    type: 'Microsoft.Compute/virtualMachines',
    location: 'eastus',
    properties: {
      vmId: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: 'Standard_B2s' },
      storageProfile: { osDisk: { name: `${name}-os`, diskSizeGB: 30, osType: 'Linux', encryption: { type: 'None' } }, dataDisks: [] },
      createdBy: 'api',
    },
    runtime: { powerState: 'running', agent: { status: 'Ready', version: '1.0.0', lastReport: T0.toISOString() }, extensions: [] },
  });
}

describe('the machine checks of Take Snapshot', () => {
  let store: MetadataStore;
  let close: () => Promise<void>;

  before(async () => {
    const temp = await tempStore();
    store = temp.store;
    close = temp.close;
    await saveVirtualMachine(store, vm('ready'));
    await saveVirtualMachine(store, vm('failed', (v) => ({
      ...v,
      properties: { ...v.properties, provisioningState: 'Failed' },
      runtime: { ...v.runtime, extensions: [{ name: 'Arca.Backup.VMSnapshotLinux', type: 'Arca.Backup.VMSnapshotLinux', typeHandlerVersion: '1.0.0', handlerState: 'Enabled', status: { status: 'error', code: 1, message: 'boom', time: T0.toISOString() } }] },
    })));
    await saveVirtualMachine(store, vm('noagent', (v) => ({ ...v, runtime: { ...v.runtime, agent: { status: 'NotInstalled' } } })));
    await saveVirtualMachine(store, vm('huge', (v) => ({ ...v, properties: { ...v.properties, storageProfile: { ...v.properties.storageProfile, dataDisks: [{ name: 'big', lun: 0, diskSizeGB: 40 * 1024, encryption: { type: 'None' } }] } } })));
  });

  after(() => close());

  it('passes a machine whose agent is Ready and whose disks fit', async () => {
    assert.equal((await checkMachine(store, vmOf('ready'), T0, OPTIONS)).data.name, 'ready');
  });

  it('refuses, each with its code: a machine gone, one in Failed provisioning, one without an agent, one gone silent, one with a disk too large', async () => {
    await assert.rejects(checkMachine(store, vmOf('gone'), T0, OPTIONS), code('BCMV2VMNotFound', ['vmName', 'gone']));
    await assert.rejects(checkMachine(store, vmOf('failed'), T0, OPTIONS), code('UserErrorVmProvisioningStateFailed', ['extensionName', 'Arca.Backup.VMSnapshotLinux']));
    await assert.rejects(checkMachine(store, vmOf('noagent'), T0, OPTIONS), code('UserErrorGuestAgentStatusUnavailable', ['agentStatus', 'NotInstalled']));
    await assert.rejects(checkMachine(store, vmOf('ready'), new Date(T0.getTime() + 11 * MINUTE), OPTIONS), code('UserErrorGuestAgentStatusUnavailable', ['agentStatus', 'Unresponsive']));
    await assert.rejects(checkMachine(store, vmOf('huge'), T0, OPTIONS), code('UserErrorUnsupportedDiskSize', ['diskName', 'big']));
  });
});

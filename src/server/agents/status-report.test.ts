import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqliteMetadataStore, type MetadataOperations } from '../persistence/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { getVirtualMachine, saveVirtualMachine } from '../resources/virtual-machines-store.ts';
import { VIRTUAL_MACHINES } from '../resources/virtual-machine-model.ts';
import type { AgentTaskRecord } from './agent-task-model.ts';
import { AgentTaskNotifier } from './agent-task-notifier.ts';
import { applyStatusReport, applyTaskReport } from './status-report.ts';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = new Date('2026-11-22T10:01:00.000Z');
const T2 = new Date('2026-11-22T10:02:00.000Z');

const task: AgentTaskRecord = {
  taskId: 'job-1',
  vmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-1',
  settings: { kind: 'snapshot', jobName: 'job-1', collectionId: '/subscriptions/s/c', pointName: '123', consistencyWanted: 'ApplicationConsistent', disks: [{ name: 'os' }] },
  created: T0,
  status: 'pending',
  updated: T0,
};

describe('a status report applied to an agent task', () => {
  it('marks the task picked up and under way at the first report', () => {
    const next = applyTaskReport(task, { taskId: 'job-1', status: 'transitioning', phase: 'snapshot', progress: 10 }, T1);
    assert.deepEqual([next.status, next.phase, next.progress, next.pickedUp, next.updated], ['transitioning', 'snapshot', 10, T1.toISOString(), T1.toISOString()]);
    assert.equal(next.snapshotTakenAt, undefined);
  });

  it('records when the snapshot was taken, once, and never moves the phase back', () => {
    const taken = applyTaskReport(task, { taskId: 'job-1', status: 'transitioning', phase: 'transfer', result: { consistency: 'FileSystemConsistent' } }, T1);
    assert.equal(taken.snapshotTakenAt, T1.toISOString());
    const later = applyTaskReport(taken, { taskId: 'job-1', status: 'transitioning', phase: 'snapshot', progress: 50 }, T2);
    assert.deepEqual([later.phase, later.snapshotTakenAt, later.result?.consistency], ['transfer', T1.toISOString(), 'FileSystemConsistent']);
  });

  it('ignores reports on a task that has settled', () => {
    for (const status of ['success', 'error', 'cancelled'] as const) {
      const settled = { ...task, status };
      assert.equal(applyTaskReport(settled, { taskId: 'job-1', status: 'transitioning', phase: 'snapshot' }, T1), settled, status);
    }
  });
});

describe('a status report applied to a machine', () => {
  const EXTENSION = 'Arca.Backup.VMSnapshotLinux';
  const VM_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-1';
  const vm: VirtualMachineRecord = {
    id: VM_ID,
    name: 'web-1',
    type: 'Microsoft.Compute/virtualMachines',
    location: 'westeurope',
    properties: {
      vmId: '6f1c7a8e-0000-4000-8000-000000000009',
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: 'Standard_B2s' },
      storageProfile: { osDisk: { name: 'os', osType: 'Linux', diskSizeGB: 30, encryption: { type: 'None' } }, dataDisks: [] },
      createdBy: 'api',
    },
    runtime: { powerState: 'running', agent: { status: 'Ready', version: '1.0.0' }, extensions: [{ name: EXTENSION, type: EXTENSION, typeHandlerVersion: '1.0', handlerState: 'Enabled' }] },
  };

  it('sees an extension removal that lands while the report is being saved, and keeps it pending', async () => {
    const store = SqliteMetadataStore.open(':memory:');
    try {
      await saveVirtualMachine(store, vm, 0);
      // The extension DELETE (virtual-machine-extensions.ts) commits between the report's read of the machine and its save.
      let raced = false;
      const racing: MetadataOperations = new Proxy(store, {
        get(target, name) {
          const value = Reflect.get(target, name, target) as unknown;
          if (name !== 'put') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          return async (collection: string, record: unknown, options?: unknown) => {
            if (collection === VIRTUAL_MACHINES && !raced) {
              raced = true;
              const current = await getVirtualMachine(store, VM_ID);
              assert.ok(current);
              await saveVirtualMachine(store, { ...current.data, runtime: { ...current.data.runtime, extensions: [], removedExtensions: [EXTENSION] } }, current.version);
            }
            return (value as (...args: unknown[]) => Promise<unknown>).call(target, collection, record, options);
          };
        },
      });
      const failing = { name: EXTENSION, version: '1.0', handlerState: 'Enabled' as const, status: { status: 'error' as const, code: 1, message: 'removed under it' } };
      await applyStatusReport(racing, { id: VM_ID }, { agent: { status: 'Ready', version: '1.0.0' }, extensions: [failing], tasks: [] }, T1, new AgentTaskNotifier());
      assert.ok(raced);
      const after = (await getVirtualMachine(store, VM_ID))?.data;
      assert.deepEqual(after?.runtime.removedExtensions, [EXTENSION], 'the removal stays pending until the extension is reinstalled');
      assert.deepEqual(after?.runtime.extensions, [], "the removed extension's failure is hidden");
      assert.equal(after?.properties.provisioningState, 'Succeeded', 'the machine does not fall into Failed');
      assert.equal(after?.runtime.agent.lastReport, T1.toISOString());
    } finally {
      await store.close();
    }
  });
});

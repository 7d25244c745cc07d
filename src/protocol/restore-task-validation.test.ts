import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../core/errors/index.ts';
import { parseGoalState, parseStatusReport } from './agent-protocol-validation.ts';

const refused = (pattern: RegExp) => (error: unknown) => isArcaError(error) && error.code === 'InvalidRequestContent' && pattern.test(String(error.params.reason));
const COLLECTION = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/restorePointCollections/c1';

function goal(disks: unknown): unknown {
  const task = { taskId: 'job1', kind: 'restore', state: 'pending', jobName: 'job1', collectionId: COLLECTION, pointName: '123', consistencyWanted: 'FileSystemConsistent', disks };
  return { incarnation: 2, machineId: 'm1', extensions: [{ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', state: 'enabled', settings: { tasks: [task] } }], deletedInstantPoints: [] };
}

describe('agent protocol: the restore task kind', () => {
  it('reads a restore task naming each disk with its path', () => {
    const parsed = parseGoalState(goal([{ name: 'os', path: '/vms/os.img' }, { name: 'data', lun: 0, path: '/vms/data.img' }]));
    assert.equal(parsed.extensions[0]?.settings.tasks[0]?.kind, 'restore');
    assert.deepEqual(parsed.extensions[0]?.settings.tasks[0]?.disks, [{ name: 'os', path: '/vms/os.img' }, { name: 'data', lun: 0, path: '/vms/data.img' }]);
  });

  it('refuses a restore task without disks, with a disk without its path, or with one path twice', () => {
    assert.throws(() => parseGoalState(goal([])), refused(/must name the disks/));
    assert.throws(() => parseGoalState(goal([{ name: 'os' }])), refused(/needs its path/));
    assert.throws(() => parseGoalState(goal([{ name: 'os', path: '/v/a.img' }, { name: 'd', path: '/v/a.img' }])), refused(/one path twice/));
  });

  it('accepts a restore task\'s success with the disks it restored, and refuses a success with neither point nor disks', () => {
    const restored = [{ disk: 'os', path: '/vms/os.img', safetyPath: '/vms/.arca-restore-points/c1/before-restore-job1/os.img', bytesWritten: 0 }];
    const report = parseStatusReport({ agent: { status: 'Ready', version: '1.0.0' }, extensions: [], tasks: [{ taskId: 'job1', status: 'success', progress: 100, result: { restored } }] });
    assert.deepEqual(report.tasks[0]?.result, { restored });
    assert.throws(() => parseStatusReport({ agent: { status: 'Ready', version: '1.0.0' }, extensions: [], tasks: [{ taskId: 'job1', status: 'success' }] }), refused(/result\.manifestId/));
    assert.throws(() => parseStatusReport({ agent: { status: 'Ready', version: '1.0.0' }, extensions: [], tasks: [{ taskId: 'j', status: 'success', result: { restored: [{ ...restored[0], safetyPath: 'rel' }] } }] }), refused(/safetyPath/));
  });
});

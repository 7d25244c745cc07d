import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../core/errors/index.ts';
import { parseGoalState, parseStatusReport } from './agent-protocol-validation.ts';
import { parseRestorePointLayout } from './upload-channel.ts';

const refused = (pattern: RegExp) => (error: unknown) => isArcaError(error) && error.code === 'InvalidRequestContent' && pattern.test(String(error.params.reason));
const COLLECTION = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/restorePointCollections/c1';

function goal(task: Record<string, unknown>): unknown {
  const base = { taskId: 'job1', kind: 'restore', state: 'pending', jobName: 'job1', collectionId: COLLECTION, pointName: '123', consistencyWanted: 'FileSystemConsistent' };
  return { incarnation: 2, machineId: 'm1', extensions: [{ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', state: 'enabled', settings: { tasks: [{ ...base, ...task }] } }], deletedInstantPoints: [] };
}

describe('agent protocol: a restore task from the vault tier', () => {
  it('reads the repository point and each disk\'s place in it', () => {
    const parsed = parseGoalState(goal({ repositoryPointId: '20260101-120000-abcdef12', disks: [{ name: 'os', path: '/vms/os.img', pointDisk: 0 }, { name: 'data', lun: 0, path: '/vms/data.img', pointDisk: 1 }] }));
    const task = parsed.extensions[0]?.settings.tasks[0];
    assert.equal(task?.repositoryPointId, '20260101-120000-abcdef12');
    assert.deepEqual(task?.disks.map((d) => d.pointDisk), [0, 1]);
  });

  it('refuses a vault-tier restore with a disk that has no place in the point, and a repository point on a snapshot task', () => {
    assert.throws(() => parseGoalState(goal({ repositoryPointId: 'p1', disks: [{ name: 'os', path: '/vms/os.img' }] })), refused(/needs its pointDisk/));
    assert.throws(() => parseGoalState(goal({ kind: 'snapshot', repositoryPointId: 'p1', disks: [{ name: 'os' }] })), refused(/belongs to a restore task/));
  });

  it('carries the chunks written and left alone with a restore\'s success', () => {
    const restored = [{ disk: 'os', path: '/vms/os.img', safetyPath: '/vms/.arca-restore-points/c1/before-restore-job1/os.img', bytesWritten: 4, bytesUnchanged: 8, chunksWritten: 1, chunksUnchanged: 2 }];
    const report = parseStatusReport({ agent: { status: 'Ready', version: '1.0.0' }, extensions: [], tasks: [{ taskId: 'job1', status: 'success', progress: 100, result: { restored } }] });
    assert.deepEqual(report.tasks[0]?.result?.restored, restored);
  });

  it('reads a point\'s layout and refuses one with a bad disk', () => {
    const layout = { pointId: 'p1', disks: [{ name: 'os', size: 8, chunkSize: 4, chunkCount: 2, refPieces: 1 }] };
    assert.deepEqual(parseRestorePointLayout(layout), layout);
    assert.throws(() => parseRestorePointLayout({ pointId: 'p1', disks: [{ name: 'os', size: -1, chunkSize: 4, chunkCount: 2, refPieces: 1 }] }), (error: unknown) => isArcaError(error));
    assert.deepEqual(parseRestorePointLayout({ pointId: 'p1', disks: [{ name: 'os', size: 9, chunkSize: 4, chunkCount: 3, refPieces: 1 }] }).disks[0]?.chunkCount, 3, 'a short last chunk');
    for (const chunkCount of [0, 1, 3]) {
      assert.throws(
        () => parseRestorePointLayout({ pointId: 'p1', disks: [{ name: 'os', size: 8, chunkSize: 4, chunkCount, refPieces: 1 }] }),
        (error: unknown) => isArcaError(error) && error.code === 'InvalidRequestContent' && /disks\[0\]\.chunkCount/.test(error.message),
        `chunkCount ${chunkCount}`,
      );
    }
  });
});

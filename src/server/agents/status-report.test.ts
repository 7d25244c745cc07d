import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentTaskRecord } from './agent-task-model.ts';
import { applyTaskReport } from './status-report.ts';

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

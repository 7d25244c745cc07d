import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeTask, isCancellablePhase, JOB_TASK_NAMES, tasksFor, type JobTask, type TaskStatus } from './job-task.ts';

const snapshot = JOB_TASK_NAMES.takeSnapshot;
const transfer = JOB_TASK_NAMES.transferToVault;
const backup = (first: TaskStatus, second: TaskStatus): JobTask[] => [
  { name: snapshot, status: first },
  { name: transfer, status: second },
];

describe('job tasks', () => {
  it('gives a backup the snapshot task first and the transfer to the vault second', () => {
    assert.deepEqual(tasksFor('Backup'), ['Take Snapshot', 'Transfer data to vault']);
  });

  it('gives both kinds of restore the transfer from the vault and the disk creation', () => {
    assert.deepEqual(tasksFor('Restore'), ['Transfer data from vault', 'Create restored disks']);
    assert.deepEqual(tasksFor('CrossRegionRestore'), tasksFor('Restore'));
  });

  it('gives operations without steps no tasks', () => {
    assert.deepEqual(tasksFor('ConfigureBackup'), []);
  });

  const active: { name: string; tasks: JobTask[]; expected: string | undefined }[] = [
    { name: 'the running task is the active one', tasks: backup('Completed', 'InProgress'), expected: transfer },
    { name: 'before anything runs, the first task is the active one', tasks: backup('NotStarted', 'NotStarted'), expected: snapshot },
    { name: 'between tasks, the next one to run is the active one', tasks: backup('Completed', 'NotStarted'), expected: transfer },
    { name: 'once every task settled there is no active task', tasks: backup('Completed', 'Completed'), expected: undefined },
  ];
  for (const { name, tasks, expected } of active) {
    it(name, () => assert.equal(activeTask(tasks)?.name, expected));
  }

  const cancellable: { name: string; tasks: JobTask[]; expected: boolean }[] = [
    { name: 'cancel is allowed while the snapshot is being taken', tasks: backup('InProgress', 'NotStarted'), expected: true },
    { name: 'cancel is allowed before the snapshot has started', tasks: backup('NotStarted', 'NotStarted'), expected: true },
    { name: 'cancel is refused while data moves to the vault', tasks: backup('Completed', 'InProgress'), expected: false },
    { name: 'cancel is refused between the snapshot and the transfer', tasks: backup('Completed', 'NotStarted'), expected: false },
    { name: 'cancel is refused once every task settled', tasks: backup('Completed', 'Completed'), expected: false },
    { name: 'cancel is refused for a job without tasks', tasks: [], expected: false },
    {
      name: 'cancel is refused for a restore, which has no snapshot phase',
      tasks: [{ name: JOB_TASK_NAMES.transferFromVault, status: 'InProgress' }],
      expected: false,
    },
    {
      name: 'the task name is matched without regard to case',
      tasks: [{ name: 'take snapshot', status: 'InProgress' }],
      expected: true,
    },
  ];
  for (const { name, tasks, expected } of cancellable) {
    it(name, () => assert.equal(isCancellablePhase(tasks), expected));
  }
});

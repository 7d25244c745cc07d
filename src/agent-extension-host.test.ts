import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentExtensionHost } from './agent-extension-host.ts';
import type { ExtensionHost as HandlerHost, ProgressReporter, ReconcileOptions, RunTaskOptions } from './extensions/host/extension-host.ts';
import { SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION, type ExtensionGoal, type ExtensionStatusReport, type GoalState, type SnapshotTaskGoal, type TaskStatusReport } from './protocol/index.ts';

const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function taskGoal(taskId: string, state: SnapshotTaskGoal['state'] = 'pending', reinstall = false): SnapshotTaskGoal {
  return { taskId, kind: 'snapshot', state, jobName: taskId, collectionId: '/subscriptions/s/c', pointName: '1', consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'os', path: '/vm/os.img' }], ...(reinstall ? { reinstall } : {}) };
}

function goal(incarnation: number, tasks: SnapshotTaskGoal[]): GoalState {
  return { incarnation, machineId: 'm1', extensions: [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, state: 'enabled', settings: { tasks } }], deletedInstantPoints: [] };
}

/** A handler host whose tasks run until the test lets them end. */
class FakeHandlers implements HandlerHost {
  readonly reconciled: (readonly ExtensionGoal[])[] = [];
  readonly started: { task: SnapshotTaskGoal; options: RunTaskOptions; report: ProgressReporter; finish: (final: TaskStatusReport) => void }[] = [];
  handlers: ExtensionStatusReport[] = [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState: 'Enabled' }];

  async reconcile(extensions: readonly ExtensionGoal[], _options?: ReconcileOptions): Promise<readonly ExtensionStatusReport[]> {
    this.reconciled.push(extensions);
    return this.handlers;
  }

  async handlerStatuses(): Promise<readonly ExtensionStatusReport[]> {
    return this.handlers;
  }

  runTask(task: SnapshotTaskGoal, report: ProgressReporter, options: RunTaskOptions = {}): Promise<TaskStatusReport> {
    return new Promise((resolve) => {
      this.started.push({ task, options, report, finish: resolve });
      options.signal?.addEventListener('abort', () => resolve({ taskId: task.taskId, status: 'error', phase: 'snapshot', error: { code: 'OperationCancelled', params: {} } }));
    });
  }
}

/** Resolves once the host has told its listener something changed `times` more times. */
function changes(host: AgentExtensionHost): { next: () => Promise<void> } {
  const waiting: (() => void)[] = [];
  host.onChange(() => waiting.shift()?.());
  return { next: () => new Promise((resolve) => waiting.push(resolve)) };
}

describe('the agent extension host over the handler host', () => {
  it('runs an open task in the background, passes on its reports until delivered, and does not run it twice', async () => {
    const handlers = new FakeHandlers();
    const host = new AgentExtensionHost(handlers, { log });
    const changed = changes(host);
    await host.reconcile(goal(1, [taskGoal('t1')]), new AbortController().signal);
    await Promise.resolve();
    assert.equal(handlers.started.length, 1);
    assert.equal(handlers.reconciled.length, 0, 'handlers are not re-enabled under a running task');
    const progress: TaskStatusReport = { taskId: 't1', status: 'transitioning', phase: 'transfer', progress: 40 };
    await handlers.started[0]?.report(progress);
    assert.deepEqual(host.statuses().tasks, [progress]);
    host.delivered([{ ...progress }]);
    assert.deepEqual(host.statuses().tasks, [progress], 'only the very report that was sent counts as delivered');
    host.delivered([progress]);
    assert.deepEqual(host.statuses().tasks, []);

    await host.reconcile(goal(1, [taskGoal('t1', 'transitioning')]), new AbortController().signal);
    assert.equal(handlers.started.length, 1, 'a running task is not started again');
    const ended = changed.next();
    const final: TaskStatusReport = { taskId: 't1', status: 'success', phase: 'transfer', progress: 100, result: { manifestId: 'abc' } };
    handlers.started[0]?.finish(final);
    await ended;
    assert.deepEqual(host.statuses().tasks, [final]);
    await host.close();
    assert.equal(handlers.reconciled.length, 1, 'the goal state left aside during the task is applied after it');
    await host.reconcile(goal(2, [taskGoal('t1', 'transitioning')]), new AbortController().signal);
    assert.equal(handlers.started.length, 1, 'an ended task is not run again');
  });

  it('aborts a task the goal state calls off, and passes on a reinstall the vault asks for', async () => {
    const handlers = new FakeHandlers();
    const host = new AgentExtensionHost(handlers, { log });
    await host.reconcile(goal(1, [taskGoal('t2', 'pending', true)]), new AbortController().signal);
    await Promise.resolve();
    assert.equal(handlers.started[0]?.options.reinstall, true);
    const signal = handlers.started[0]?.options.signal;
    assert.equal(signal?.aborted, false);
    await host.reconcile(goal(2, [taskGoal('t2', 'cancelled')]), new AbortController().signal);
    assert.equal(signal?.aborted, true);
    await host.close();
    assert.equal(host.statuses().tasks[0]?.error?.code, 'OperationCancelled');
    assert.equal(host.statuses().health.ready, false, 'a closing host is not ready');
  });

  it('reports the handlers as reconciled when no task runs', async () => {
    const handlers = new FakeHandlers();
    handlers.handlers = [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState: 'Installed', status: { status: 'error', code: 770201, message: 'install failed' } }];
    const host = new AgentExtensionHost(handlers, { log });
    await host.reconcile(goal(1, []), new AbortController().signal);
    assert.deepEqual(host.statuses().handlers, handlers.handlers);
    await host.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentTaskNotifier } from './agent-task-notifier.ts';

describe('agent task notifier', () => {
  it('wakes a waiter when its task is notified, and forgets it after', async () => {
    const notifier = new AgentTaskNotifier();
    const waiting = notifier.wait('task-1', 60_000);
    assert.equal(notifier.waiting, 1);
    notifier.notify('task-2');
    assert.equal(notifier.waiting, 1, 'another task does not wake it');
    notifier.notify('task-1');
    await waiting;
    assert.equal(notifier.waiting, 0);
  });

  it('resolves on its timeout and when the signal aborts', async () => {
    const notifier = new AgentTaskNotifier();
    await notifier.wait('task-1', 1);
    const controller = new AbortController();
    const waiting = notifier.wait('task-1', 60_000, controller.signal);
    controller.abort();
    await waiting;
    assert.equal(notifier.waiting, 0);
  });
});

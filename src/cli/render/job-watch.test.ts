import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barSize } from './job-watch.ts';

describe('job watch bars', () => {
  it('leave room for the task, the percentage and the status on the terminal, so nothing is cut off', () => {
    for (const [columns, size] of [[80, 36], [undefined, 36], [0, 36], [120, 40], [60, 16], [30, 10]] as const) {
      assert.equal(barSize(columns), size, `${columns} columns`);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProtectionState } from '../../core/states/index.ts';
import type { StoredProtectedItem } from '../backup/index.ts';
import { afterFailure, afterSuccess } from './item-outcome.ts';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const item = (protectionState: ProtectionState): StoredProtectedItem => ({
  id: 'item',
  name: 'VM;iaasvmcontainerv2;rg;web-1',
  vaultId: 'vault',
  containerName: 'IaasVMContainer;iaasvmcontainerv2;rg;web-1',
  sourceResourceId: 'vm',
  friendlyName: 'web-1',
  protectionState,
  protectedItemDataId: 'data',
  createdAt: NOW.toISOString(),
  lastRecoveryPoint: '2026-11-21T10:00:00.000Z',
});

describe('what a backup does to its protected item', () => {
  const cases: { name: string; from: ProtectionState; outcome: 'success' | 'failure' | 'gone'; to: ProtectionState }[] = [
    { name: 'a first success leaves IRPending for Protected', from: 'IRPending', outcome: 'success', to: 'Protected' },
    { name: 'a success after a failure recovers to Protected', from: 'ProtectionError', outcome: 'success', to: 'Protected' },
    { name: 'a paused item whose machine came back is Protected again', from: 'ProtectionPaused', outcome: 'success', to: 'Protected' },
    { name: 'a failure of a protected item is ProtectionError', from: 'Protected', outcome: 'failure', to: 'ProtectionError' },
    { name: 'a machine gone pauses protection', from: 'Protected', outcome: 'gone', to: 'ProtectionPaused' },
    { name: 'another failure of a paused item keeps it paused', from: 'ProtectionPaused', outcome: 'failure', to: 'ProtectionPaused' },
    { name: 'an item stopped while the backup ran stays stopped', from: 'ProtectionStopped', outcome: 'failure', to: 'ProtectionStopped' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const next =
        c.outcome === 'success'
          ? afterSuccess(item(c.from), { status: 'Completed', pointTime: '2026-11-22T09:59:00.000Z', now: NOW })
          : afterFailure(item(c.from), { machineGone: c.outcome === 'gone', now: NOW });
      assert.equal(next.protectionState, c.to);
      assert.equal(next.lastBackupStatus, c.outcome === 'success' ? 'Completed' : 'Failed');
      assert.equal(next.lastBackupTime, NOW.toISOString());
    });
  }

  it('keeps the newest recovery point time, whichever backup finished last', () => {
    const next = afterSuccess(item('Protected'), { status: 'CompletedWithWarnings', pointTime: '2026-11-20T00:00:00.000Z', now: NOW });
    assert.equal(next.lastRecoveryPoint, '2026-11-21T10:00:00.000Z');
    assert.equal(next.lastBackupStatus, 'CompletedWithWarnings');
  });
});

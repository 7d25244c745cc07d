import { canTransition, protectionStateMachine, type ProtectionState } from '../../core/states/index.ts';
import type { StoredProtectedItem } from '../backup/index.ts';

/** The item's state after a backup, where the core machine allows the move; otherwise it stays (stopped meanwhile, say). */
function moved(item: StoredProtectedItem, to: ProtectionState): ProtectionState {
  return item.protectionState === to || canTransition(protectionStateMachine, item.protectionState, to) ? to : item.protectionState;
}

/** A backup that ended with a new point: Protected, with its time as the last recovery point. */
export function afterSuccess(item: StoredProtectedItem, outcome: { status: 'Completed' | 'CompletedWithWarnings'; pointTime: string; now: Date }): StoredProtectedItem {
  const last = item.lastRecoveryPoint === undefined || item.lastRecoveryPoint < outcome.pointTime ? outcome.pointTime : item.lastRecoveryPoint;
  return { ...item, protectionState: moved(item, 'Protected'), lastBackupStatus: outcome.status, lastBackupTime: outcome.now.toISOString(), lastRecoveryPoint: last };
}

/**
 * A backup that failed: ProtectionError, or ProtectionPaused when the machine is gone (the vault
 * stops scheduling it and keeps its data, the last point included).
 */
export function afterFailure(item: StoredProtectedItem, outcome: { machineGone: boolean; now: Date }): StoredProtectedItem {
  const to: ProtectionState = outcome.machineGone ? 'ProtectionPaused' : 'ProtectionError';
  const state = item.protectionState === 'ProtectionPaused' && !outcome.machineGone ? item.protectionState : moved(item, to);
  return { ...item, protectionState: state, lastBackupStatus: 'Failed', lastBackupTime: outcome.now.toISOString() };
}

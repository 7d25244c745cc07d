import { defineMachine } from './state-machine.ts';

/**
 * A protected item's state: Azure's ProtectionState values plus Arca's `SoftDeleted`. Azure's
 * placeholder `Invalid` is never stored. Meanings in Arca:
 * - IRPending: protection is configured and the initial backup has not succeeded yet.
 * - Protected / ProtectionError: the last backup succeeded / failed.
 * - ProtectionStopped: stopped by the user, data kept indefinitely.
 * - BackupsSuspended: stopped by the user, data kept as the policy says, then expired.
 * - ProtectionPaused: the vault stopped scheduling backups by itself because the source machine is
 *   gone (deleted while protected); its data, including the last point, stays.
 * - SoftDeleted: the data was deleted and waits out the soft-delete period; undelete brings the
 *   item back as ProtectionStopped, as Azure does. Purging removes the item; it is not a state.
 * Resuming goes to Protected, or to IRPending when the item has no recovery point yet.
 */
export const PROTECTION_STATES = [
  'IRPending',
  'Protected',
  'ProtectionError',
  'ProtectionStopped',
  'ProtectionPaused',
  'BackupsSuspended',
  'SoftDeleted',
] as const;
export type ProtectionState = (typeof PROTECTION_STATES)[number];

const STOP_OR_DELETE = ['ProtectionStopped', 'BackupsSuspended', 'SoftDeleted'] as const;

export const protectionStateMachine = defineMachine<ProtectionState>({
  subject: 'ProtectionState',
  initial: ['IRPending'],
  transitions: {
    IRPending: ['Protected', 'ProtectionError', 'ProtectionPaused', ...STOP_OR_DELETE],
    Protected: ['ProtectionError', 'ProtectionPaused', ...STOP_OR_DELETE],
    ProtectionError: ['Protected', 'ProtectionPaused', ...STOP_OR_DELETE],
    ProtectionStopped: ['Protected', 'IRPending', 'SoftDeleted'],
    BackupsSuspended: ['Protected', 'IRPending', 'SoftDeleted'],
    ProtectionPaused: ['Protected', 'IRPending', ...STOP_OR_DELETE],
    SoftDeleted: ['ProtectionStopped'],
  },
});

/** States in which the scheduler takes backups of the item. */
export function isBackupScheduled(state: ProtectionState): boolean {
  return state === 'IRPending' || state === 'Protected' || state === 'ProtectionError';
}

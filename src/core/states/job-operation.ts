import { findMember } from './closed-set.ts';

/**
 * What a job does, as Azure's JobOperationType (without its placeholder `Invalid`). A closed set,
 * not a machine: a job's operation never changes.
 */
export const JOB_OPERATIONS = [
  'Register',
  'UnRegister',
  'ConfigureBackup',
  'Backup',
  'Restore',
  'DisableBackup',
  'DeleteBackupData',
  'CrossRegionRestore',
  'Undelete',
  'UpdateCustomerManagedKey',
] as const;
export type JobOperation = (typeof JOB_OPERATIONS)[number];

/** Reads an operation from a `$filter` or a request, ignoring case as Azure does. */
export function parseJobOperation(value: string): JobOperation | undefined {
  return findMember(JOB_OPERATIONS, value);
}

export function isRestoreOperation(operation: JobOperation): boolean {
  return operation === 'Restore' || operation === 'CrossRegionRestore';
}

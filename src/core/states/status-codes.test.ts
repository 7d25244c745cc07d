import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMember } from './closed-set.ts';
import { isRestoreOperation, parseJobOperation } from './job-operation.ts';
import { isJobActive, JOB_STATUSES } from './job-status.ts';
import { parsePowerStateCode, POWER_STATES, powerStateCode } from './power-state.ts';
import { isBackupScheduled, PROTECTION_STATES } from './protection-state.ts';
import { provisioningStateCode } from './provisioning-state.ts';

describe('Azure status codes and closed sets', () => {
  it('writes power states as Azure instance-view codes', () => {
    assert.equal(powerStateCode('deallocated'), 'PowerState/deallocated');
  });

  it('reads every power-state code it writes, and any casing of it', () => {
    for (const state of POWER_STATES) assert.equal(parsePowerStateCode(powerStateCode(state)), state);
    assert.equal(parsePowerStateCode('powerstate/Running'), 'running');
  });

  it('reads nothing from codes that are not power states', () => {
    assert.equal(parsePowerStateCode('ProvisioningState/succeeded'), undefined);
    assert.equal(parsePowerStateCode('PowerState/hibernated'), undefined);
    assert.equal(parsePowerStateCode('running'), undefined);
  });

  it('writes provisioning states as lower-case instance-view codes', () => {
    assert.equal(provisioningStateCode('Succeeded'), 'ProvisioningState/succeeded');
  });

  it('reads job operations from filters without regard to case', () => {
    assert.equal(parseJobOperation('configurebackup'), 'ConfigureBackup');
    assert.equal(parseJobOperation('Invalid'), undefined);
  });

  it('counts both kinds of restore as restores and nothing else', () => {
    assert.deepEqual(
      ['Restore', 'CrossRegionRestore', 'Backup', 'Undelete'].map((op) => isRestoreOperation(parseJobOperation(op)!)),
      [true, true, false, false],
    );
  });

  it('holds the item only while a job is in progress or cancelling', () => {
    assert.deepEqual(
      JOB_STATUSES.filter((status) => isJobActive(status)),
      ['InProgress', 'Cancelling'],
    );
  });

  it('schedules backups only for pending, protected and failing items', () => {
    assert.deepEqual(
      PROTECTION_STATES.filter((state) => isBackupScheduled(state)),
      ['IRPending', 'Protected', 'ProtectionError'],
    );
  });

  it('matches closed-set members only in their exact spelling', () => {
    assert.equal(isMember(JOB_STATUSES, 'Failed'), true);
    assert.equal(isMember(JOB_STATUSES, 'failed'), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from './errors/index.ts';
import {
  checkDiskSizes,
  checkInstantRetentionDays,
  checkNoBackupInProgress,
  checkOnDemandQuota,
  checkRestorePointCapacity,
  diskLimitFindings,
  excessiveDurationWarning,
  formatBytes,
  GIB,
  isExcessiveDuration,
  isHourlyInterval,
  isSupportedRestoreStorageSku,
  isUnderHighLoad,
  softDeletePurgeAt,
  staggerStarts,
  TIB,
  type DiskInfo,
  type ItemJob,
} from './limits.ts';

const HOUR = 3_600_000;

function throwsCode(run: () => unknown, code: string, params: Record<string, unknown>): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ArcaError, String(error));
    assert.equal(error.code, code);
    assert.deepEqual(error.params, params);
    return true;
  });
}

const disk = (name: string, sizeBytes: number, encrypted = false): DiskInfo => ({ name, sizeBytes, encrypted });

describe('disk limits', () => {
  const cases: { name: string; disks: DiskInfo[]; code?: string; params?: Record<string, unknown> }[] = [
    { name: 'a disk of exactly 32 TiB is accepted', disks: [disk('data', 32 * TIB)] },
    { name: 'an encrypted disk of exactly 4 TiB is accepted', disks: [disk('data', 4 * TIB, true)] },
    {
      name: 'a 40 TiB disk is refused with sizes people can read',
      disks: [disk('os', 30 * GIB), disk('data', 40 * TIB)],
      code: 'UserErrorUnsupportedDiskSize',
      params: { vmName: 'vm1', diskName: 'data', size: '40 TiB', limit: '32 TiB' },
    },
    {
      name: 'an encrypted disk above 4 TiB is refused against the encrypted limit',
      disks: [disk('secret', 4.5 * TIB, true)],
      code: 'UserErrorUnsupportedDiskSize',
      params: { vmName: 'vm1', diskName: 'secret', size: '4.5 TiB', limit: '4 TiB' },
    },
    {
      name: 'a disk a byte over the limit shows its exact size, not a rounded one equal to the limit',
      disks: [disk('data', 32 * TIB + 1)],
      code: 'UserErrorUnsupportedDiskSize',
      params: { vmName: 'vm1', diskName: 'data', size: `32 TiB (${32 * TIB + 1} bytes)`, limit: '32 TiB' },
    },
    { name: '32 disks are accepted', disks: Array.from({ length: 32 }, (_, i) => disk(`d${i}`, GIB)) },
    {
      name: '33 disks are refused',
      disks: Array.from({ length: 33 }, (_, i) => disk(`d${i}`, GIB)),
      code: 'UserErrorTooManyDisks',
      params: { vmName: 'vm1', diskCount: 33, limit: 32 },
    },
  ];
  for (const { name, disks, code, params } of cases) {
    it(name, () => {
      const vm = { name: 'vm1', disks };
      if (code === undefined) assert.doesNotThrow(() => checkDiskSizes(vm));
      else throwsCode(() => checkDiskSizes(vm), code, params ?? {});
    });
  }

  it('lists every broken disk rule, too many disks first', () => {
    const disks = [...Array.from({ length: 32 }, (_, i) => disk(`d${i}`, GIB)), disk('big', 33 * TIB), disk('enc', 5 * TIB, true)];
    assert.deepEqual(
      diskLimitFindings({ name: 'vm1', disks }).map((finding) => [finding.code, finding.params.diskName]),
      [['UserErrorTooManyDisks', undefined], ['UserErrorUnsupportedDiskSize', 'big'], ['UserErrorUnsupportedDiskSize', 'enc']],
    );
  });

  const sizes: [bytes: number, text: string][] = [
    [512, '512 bytes'],
    [1536, '1.5 KiB'],
    [30 * GIB, '30 GiB'],
    [40 * TIB, '40 TiB'],
    [2048 * TIB, '2 PiB'],
  ];
  for (const [bytes, text] of sizes) {
    it(`writes ${bytes} bytes as ${text}`, () => assert.equal(formatBytes(bytes), text));
  }
});

describe('instant restore limits', () => {
  it('accepts 17 kept points and refuses the 19th with the group to unlock', () => {
    const vm = { vmName: 'vm1', resourceGroup: 'AzureBackupRG_westeurope_1' };
    assert.doesNotThrow(() => checkRestorePointCapacity(17, vm));
    throwsCode(() => checkRestorePointCapacity(18, vm), 'UserErrorRpCollectionLimitReached', {
      vmName: 'vm1',
      count: 18,
      limit: 18,
      resourceGroup: 'AzureBackupRG_westeurope_1',
    });
  });

  const retention: [days: number, ok: boolean][] = [[0, false], [1, true], [5, true], [6, false], [2.5, false]];
  for (const [days, ok] of retention) {
    it(`${ok ? 'accepts' : 'refuses'} an instant retention of ${days} days`, () => {
      if (ok) assert.equal(checkInstantRetentionDays(days), days);
      else throwsCode(() => checkInstantRetentionDays(days), 'UserErrorInstantRpRetentionOutOfRange', { min: 1, max: 5, days });
    });
  }
});

describe('backup quotas', () => {
  it('allows a third on-demand backup in a day and refuses a fourth', () => {
    assert.doesNotThrow(() => checkOnDemandQuota(2, 'vm1'));
    throwsCode(() => checkOnDemandQuota(3, 'vm1'), 'UserErrorOnDemandBackupLimitReached', { itemName: 'vm1', limit: 3 });
  });

  it('accepts only the hourly intervals 4, 6, 8 and 12', () => {
    assert.deepEqual([1, 2, 4, 6, 8, 10, 12, 24].filter(isHourlyInterval), [4, 6, 8, 12]);
  });

  const jobs: { name: string; jobs: ItemJob[]; blockedBy?: string }[] = [
    { name: 'an item without jobs can be backed up', jobs: [] },
    { name: 'finished jobs do not hold the item', jobs: [{ jobId: 'j1', operation: 'Backup', status: 'Completed' }] },
    { name: 'a running restore does not hold the item', jobs: [{ jobId: 'j1', operation: 'Restore', status: 'InProgress' }] },
    { name: 'a running backup holds the item', jobs: [{ jobId: 'j2', operation: 'Backup', status: 'InProgress' }], blockedBy: 'j2' },
    { name: 'a backup being cancelled still holds the item', jobs: [{ jobId: 'j3', operation: 'Backup', status: 'Cancelling' }], blockedBy: 'j3' },
    {
      name: 'a protection change in progress holds the item',
      jobs: [
        { jobId: 'j4', operation: 'Backup', status: 'Failed' },
        { jobId: 'j5', operation: 'ConfigureBackup', status: 'InProgress' },
      ],
      blockedBy: 'j5',
    },
  ];
  for (const { name, jobs: itemJobs, blockedBy } of jobs) {
    it(name, () => {
      if (blockedBy === undefined) assert.doesNotThrow(() => checkNoBackupInProgress('vm1', itemJobs));
      else throwsCode(() => checkNoBackupInProgress('vm1', itemJobs), 'UserErrorBackupOperationInProgress', { itemName: 'vm1', jobId: blockedBy });
    });
  }
});

describe('load and duration', () => {
  const loads: [cpu: number, memory: number, high: boolean][] = [[90, 90, false], [90.5, 10, true], [10, 95, true], [0, 0, false]];
  for (const [cpu, memory, high] of loads) {
    it(`${high ? 'flags' : 'does not flag'} ${cpu} % CPU and ${memory} % memory as high load`, () => {
      assert.equal(isUnderHighLoad(cpu, memory), high);
    });
  }

  const durations: [operation: ItemJob['operation'], ms: number, excessive: boolean][] = [
    ['Backup', 12 * HOUR, false],
    ['Backup', 12 * HOUR + 1, true],
    ['Restore', 6 * HOUR + 1, true],
    ['CrossRegionRestore', 7 * HOUR, true],
    ['Restore', 6 * HOUR, false],
    ['ConfigureBackup', 100 * HOUR, false],
  ];
  for (const [operation, ms, excessive] of durations) {
    it(`${excessive ? 'flags' : 'does not flag'} a ${operation} of ${ms / HOUR} h as excessive`, () => {
      assert.equal(isExcessiveDuration(operation, ms), excessive);
    });
  }

  it('words the warning of a long backup and of a long restore with their durations', () => {
    assert.deepEqual(excessiveDurationWarning({ jobId: 'j1', operation: 'Backup' }, 13 * HOUR + 5 * 60_000), {
      code: 'BackupTakingTooLong',
      params: { jobId: 'j1', duration: '13 h 5 min' },
    });
    assert.equal(excessiveDurationWarning({ jobId: 'j2', operation: 'Restore' }, 7 * HOUR)?.code, 'RestoreTakingTooLong');
    assert.equal(excessiveDurationWarning({ jobId: 'j3', operation: 'Backup' }, HOUR), undefined);
  });
});

describe('staggering backups of one group', () => {
  const at = new Date('2025-03-01T02:00:00Z');

  it('starts at most four together and spaces the waves by the gap, in the order given', () => {
    const starts = staggerStarts(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], { at, waveGapMs: 10 * 60_000 });
    assert.deepEqual(
      starts.map((s) => [s.item, s.wave, s.startAt.toISOString()]),
      [
        ['a', 0, '2025-03-01T02:00:00.000Z'],
        ['b', 0, '2025-03-01T02:00:00.000Z'],
        ['c', 0, '2025-03-01T02:00:00.000Z'],
        ['d', 0, '2025-03-01T02:00:00.000Z'],
        ['e', 1, '2025-03-01T02:10:00.000Z'],
        ['f', 1, '2025-03-01T02:10:00.000Z'],
        ['g', 1, '2025-03-01T02:10:00.000Z'],
        ['h', 1, '2025-03-01T02:10:00.000Z'],
        ['i', 2, '2025-03-01T02:20:00.000Z'],
      ],
    );
  });

  it('gives an empty group no starts and leaves the base time untouched', () => {
    assert.deepEqual(staggerStarts([], { at, waveGapMs: 1 }), []);
    assert.equal(at.toISOString(), '2025-03-01T02:00:00.000Z');
  });

  it('refuses a negative gap or an empty wave', () => {
    assert.throws(() => staggerStarts(['a'], { at, waveGapMs: -1 }), { code: 'UserErrorInvalidArgument' });
    assert.throws(() => staggerStarts(['a'], { at, waveGapMs: 1, perWave: 0 }), { code: 'UserErrorInvalidArgument' });
  });
});

describe('soft delete and restore targets', () => {
  it('purges soft-deleted data 14 days after its deletion, to the millisecond', () => {
    assert.equal(softDeletePurgeAt(new Date('2025-01-25T10:30:00.123Z')).toISOString(), '2025-02-08T10:30:00.123Z');
  });

  const skus: [sku: string, supported: boolean][] = [['Standard_LRS', true], ['standard_grs', true], ['Premium_LRS', false], ['Standard_ZRS', false]];
  for (const [sku, supported] of skus) {
    it(`${supported ? 'accepts' : 'refuses'} ${sku} as a restore target`, () => assert.equal(isSupportedRestoreStorageSku(sku), supported));
  }
});

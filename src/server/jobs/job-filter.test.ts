import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { formatIsoDuration } from './iso-duration.ts';
import { parseFilterTime, parseJobFilter } from './job-filter.ts';

describe('jobs $filter', () => {
  const accepted: [string, string | undefined, unknown][] = [
    ['no filter lists everything', undefined, { where: [] }],
    ['status and operation are matched without regard to case', "status eq 'inprogress' and Operation eq 'BACKUP'", {
      where: [{ field: 'status', op: 'eq', value: 'InProgress' }, { field: 'operation', op: 'eq', value: 'Backup' }],
    }],
    ['startTime and endTime bound a window on when jobs started, in Azure\'s 12-hour form', "startTime eq '2026-11-22 10:00:00 AM' and endTime eq '2026-11-22 12:30:00 PM'", {
      where: [{ field: 'startTime', op: 'ge', value: '2026-11-22T10:00:00.000Z' }, { field: 'startTime', op: 'le', value: '2026-11-22T12:30:00.000Z' }],
    }],
    ['Azure\'s own examples write midnight as 00:00:00 AM', "startTime eq '2016-01-01 00:00:00 AM' and endTime le '2017-11-29 12:00:00 AM'", {
      where: [{ field: 'startTime', op: 'ge', value: '2016-01-01T00:00:00.000Z' }, { field: 'startTime', op: 'le', value: '2017-11-29T00:00:00.000Z' }],
    }],
    ['ISO 8601 times are read too', "startTime ge '2026-11-22T11:00:00+01:00'", { where: [{ field: 'startTime', op: 'ge', value: '2026-11-22T10:00:00.000Z' }] }],
    ['AzureIaasVM is the only backup management type, and it narrows nothing', "backupManagementType eq 'AzureIaasVM'", { where: [] }],
    ['another backup management type matches no job', "backupManagementType eq 'AzureWorkload' and status eq 'Failed'", 'none'],
  ];
  for (const [name, filter, expected] of accepted) it(name, () => assert.deepEqual(parseJobFilter(filter), expected));

  const refused: [string, string, RegExp][] = [
    ['an unknown field', "vmName eq 'web-1'", /cannot be filtered on vmname/],
    ['an unknown status', "status eq 'Running'", /not a job status/],
    ['an operator the field does not take', "status ne 'Failed'", /not of the form/],
    ['endTime with ge', "endTime ge '2026-11-22 10:00:00 AM'", /endtime takes eq or le/],
    ['a time that does not exist', "startTime eq '2026-02-30 10:00:00 AM'", /not a valid time/],
    ['13 o\'clock PM', "startTime eq '2026-02-03 13:00:00 PM'", /hour 13 with PM/],
    ['a clause that is not one', "status eq 'Failed' and or", /not of the form/],
  ];
  for (const [name, filter, reason] of refused) {
    it(`refuses ${name} with UserErrorInvalidJobFilter`, () => {
      assert.throws(() => parseJobFilter(filter), (error: unknown) => {
        assert.ok(isArcaError(error));
        assert.equal(error.code, 'UserErrorInvalidJobFilter');
        assert.match(String(error.params.reason), reason);
        return true;
      });
    });
  }

  it('reads 24-hour times without AM or PM', () => assert.equal(parseFilterTime('2026-11-22 18:05:09'), '2026-11-22T18:05:09.000Z'));
});

describe('job durations', () => {
  const cases: [number, string][] = [
    [0, 'PT0S'],
    [90_500, 'PT1M30.5S'],
    [3_600_000, 'PT1H'],
    [26 * 3_600_000 + 5000, 'PT26H5S'],
    [1, 'PT0.001S'],
  ];
  for (const [ms, text] of cases) it(`writes ${ms} ms as ${text}`, () => assert.equal(formatIsoDuration(ms), text));
});

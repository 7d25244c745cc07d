import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { admits, parseEqFilter } from './eq-filter.ts';

const KEYS = ['backupManagementType', 'itemType', 'policyName'] as const;

describe('$filter of key eq value clauses', () => {
  const cases: [string, string | undefined, Record<string, string>][] = [
    ['nothing', undefined, {}],
    ['one clause', "backupManagementType eq 'AzureIaasVM'", { backupManagementType: 'AzureIaasVM' }],
    ['clauses in any order and case', "ItemType EQ 'VM' and backupmanagementtype eq 'AzureIaasVM'", { itemType: 'VM', backupManagementType: 'AzureIaasVM' }],
    ['a doubled quote inside a value', "policyName eq 'it''s'", { policyName: "it's" }],
  ];
  for (const [what, text, expected] of cases) {
    it(`reads ${what}`, () => assert.deepEqual(parseEqFilter(text, KEYS), expected));
  }

  for (const text of ["status eq 'x'", "itemType eq 'VM' or policyName eq 'p'", "itemType eq VM", "itemType eq 'VM' and itemType eq 'VM'", "itemType ne 'VM'", `policyName eq '${'x'.repeat(3000)}'`]) {
    it(`refuses ${text.slice(0, 50)}`, () => assert.throws(() => parseEqFilter(text, KEYS), (e: unknown) => isArcaError(e) && e.code === 'UserErrorInvalidArgument'));
  }

  it('admits an open key or the same value in any case', () => {
    assert.ok(admits(undefined, 'VM'));
    assert.ok(admits('vm', 'VM'));
    assert.ok(!admits('AzureWorkload', 'AzureIaasVM'));
  });
});

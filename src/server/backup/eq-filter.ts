import { invalidArgument } from '../../core/errors/index.ts';
import { findMember } from '../../core/states/index.ts';

/**
 * The `$filter` Azure Backup's list calls take: `key eq 'value'` clauses joined by `and`, in any
 * order (Azure's CLI sorts them), keys compared without regard to case. Returns the values by
 * canonical key; refuses other syntax, unknown keys and repeated keys with UserErrorInvalidArgument.
 */
const MAX_FILTER_LENGTH = 2000;
const CLAUSE = /^\s*([A-Za-z][A-Za-z0-9]*)\s+eq\s+'((?:[^']|'')*)'\s*/i;
const AND = /^and\s+/i;

export function parseEqFilter<K extends string>(text: string | undefined, keys: readonly K[]): Partial<Record<K, string>> {
  const values: Partial<Record<K, string>> = {};
  if (text === undefined || text.trim() === '') return values;
  if (text.length > MAX_FILTER_LENGTH) throw invalidArgument('$filter', `it is longer than ${MAX_FILTER_LENGTH} characters`);
  let rest = text;
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) throw invalidArgument('$filter', `expected clauses like "backupManagementType eq 'AzureIaasVM'" joined by "and", at "${rest.slice(0, 40)}"`);
    const key = findMember(keys, match[1] as string);
    if (key === undefined) throw invalidArgument('$filter', `${match[1]} cannot be filtered on here; use ${keys.join(', ')}`);
    if (values[key] !== undefined) throw invalidArgument('$filter', `${key} is given twice`);
    values[key] = (match[2] as string).replace(/''/g, "'").trim();
    rest = rest.slice(match[0].length);
    if (rest.trim() === '') return values;
    const and = AND.exec(rest);
    if (!and) throw invalidArgument('$filter', `expected "and" at "${rest.slice(0, 40)}"`);
    rest = rest.slice(and[0].length);
  }
}

/** True when the filter leaves `key` open or names `expected` (without regard to case). */
export function admits(value: string | undefined, expected: string): boolean {
  return value === undefined || value.toLowerCase() === expected.toLowerCase();
}

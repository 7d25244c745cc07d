import { ArcaError } from '../../core/errors/index.ts';
import { findMember, JOB_OPERATIONS, JOB_STATUSES } from '../../core/states/index.ts';
import type { Filter } from '../persistence/index.ts';

/**
 * Reads the `$filter` of a jobs list, in the grammar Azure's clients send: clauses joined by `and`,
 * each `field op 'value'`, e.g. `status eq 'InProgress' and startTime eq '2026-11-22 10:00:00 AM'
 * and endTime eq '2026-11-23 10:00:00 AM'`. As in Azure, startTime and endTime bound a window on
 * the time jobs started: `startTime eq|ge X` keeps jobs started at X or later, `endTime eq|le Y`
 * those started at Y or earlier. Times are UTC, as `yyyy-MM-dd hh:mm:ss AM` (Azure's form, where
 * `00:00:00 AM` is also midnight), 24-hour `yyyy-MM-dd HH:mm:ss`, or ISO 8601.
 * The result is store filters, or `none` when the filter can match no Arca job.
 */
export type JobFilter = { readonly where: readonly Filter[] } | 'none';

const CLAUSE = /^\s*([A-Za-z]+)\s+(eq|ge|le|gt|lt)\s+(?:'([^']*)'|([^\s']+))\s*$/i;

function refuse(reason: string): ArcaError {
  return new ArcaError('UserErrorInvalidJobFilter', { reason });
}

export function parseFilterTime(text: string): string {
  const azure = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*(AM|PM)?$/i.exec(text.trim());
  if (azure) {
    const [, year, month, day, hour, minute, second = '0', fraction = '0', half] = azure;
    let h = Number(hour);
    if (half !== undefined && (h > 12 || h < 0)) throw refuse(`the time "${text}" has hour ${h} with ${half}`);
    if (half?.toUpperCase() === 'AM' && h === 12) h = 0;
    if (half?.toUpperCase() === 'PM' && h < 12) h += 12;
    const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), h, Number(minute), Number(second), Math.round(Number(`0.${fraction}`) * 1000));
    const date = new Date(ms);
    if (Number.isNaN(ms) || date.getUTCDate() !== Number(day) || h > 23 || Number(minute) > 59 || Number(second) > 59) throw refuse(`"${text}" is not a valid time`);
    return date.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw refuse(`"${text.slice(0, 60)}" is not a time; write it as yyyy-MM-dd hh:mm:ss AM or in ISO 8601`);
}

type Clause = { readonly field: string; readonly op: string; readonly value: string };

function splitClauses(filter: string): Clause[] {
  // `and` inside a quoted value is not a separator: split only outside quotes.
  const parts = filter.split(/\s+and\s+(?=(?:[^']*'[^']*')*[^']*$)/i);
  return parts.map((part) => {
    const match = CLAUSE.exec(part);
    if (!match) throw refuse(`"${part.trim().slice(0, 80)}" is not of the form field eq 'value'`);
    return { field: (match[1] as string).toLowerCase(), op: (match[2] as string).toLowerCase(), value: match[3] ?? match[4] ?? '' };
  });
}

function expectOp(clause: Clause, allowed: readonly string[]): void {
  if (!allowed.includes(clause.op)) throw refuse(`${clause.field} takes ${allowed.join(' or ')}, not ${clause.op}`);
}

export function parseJobFilter(filter: string | undefined): JobFilter {
  if (filter === undefined || filter.trim() === '') return { where: [] };
  if (filter.length > 1000) throw refuse('it is longer than 1000 characters');
  const where: Filter[] = [];
  let none = false;
  for (const clause of splitClauses(filter)) {
    switch (clause.field) {
      case 'status': {
        expectOp(clause, ['eq']);
        const status = findMember(JOB_STATUSES, clause.value);
        if (status === undefined) throw refuse(`"${clause.value}" is not a job status (${JOB_STATUSES.join(', ')})`);
        where.push({ field: 'status', op: 'eq', value: status });
        break;
      }
      case 'operation': {
        expectOp(clause, ['eq']);
        const operation = findMember(JOB_OPERATIONS, clause.value);
        if (operation === undefined) throw refuse(`"${clause.value}" is not a job operation (${JOB_OPERATIONS.join(', ')})`);
        where.push({ field: 'operation', op: 'eq', value: operation });
        break;
      }
      case 'backupmanagementtype':
        expectOp(clause, ['eq']);
        // Every Arca job protects a virtual machine; any other type matches nothing.
        if (clause.value.toLowerCase() !== 'azureiaasvm') none = true;
        break;
      case 'starttime':
        expectOp(clause, ['eq', 'ge', 'gt']);
        where.push({ field: 'startTime', op: clause.op === 'gt' ? 'gt' : 'ge', value: parseFilterTime(clause.value) });
        break;
      case 'endtime':
        expectOp(clause, ['eq', 'le', 'lt']);
        where.push({ field: 'startTime', op: clause.op === 'lt' ? 'lt' : 'le', value: parseFilterTime(clause.value) });
        break;
      default:
        throw refuse(`jobs cannot be filtered on ${clause.field}; use status, operation, backupManagementType, startTime or endTime`);
    }
  }
  return none ? 'none' : { where };
}

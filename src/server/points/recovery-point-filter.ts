import { ArcaError, invalidArgument, isArcaError } from '../../core/errors/index.ts';
import { parseEqFilter } from '../backup/eq-filter.ts';
import { parseFilterTime } from '../jobs/index.ts';
import type { PointWindow } from './recovery-points-store.ts';

const KEYS = ['startDate', 'endDate', 'restorePointQueryType', 'extendedInfo', 'moveReadyRPOnly', 'includeSoftDeletedRP'] as const;

function timeOf(text: string, name: string): string {
  try {
    return parseFilterTime(text);
  } catch (error) {
    if (isArcaError(error)) throw invalidArgument('$filter', `${name} "${text.slice(0, 60)}" is not a time; write it as yyyy-MM-dd hh:mm:ss AM or in ISO 8601`);
    throw error;
  }
}

/**
 * The recovery-point list's `$filter` (BMSRPQueryObject): `startDate eq '…' and endDate eq '…'`
 * bound the points' time, inclusive, in Azure's date forms or ISO 8601. The other keys Azure's
 * clients send are accepted; Arca has one kind of point, so they select nothing away.
 */
export function parseRecoveryPointFilter(filter: string | undefined): PointWindow {
  const values = parseEqFilter(filter, KEYS);
  const start = values.startDate === undefined ? undefined : timeOf(values.startDate, 'startDate');
  const end = values.endDate === undefined ? undefined : timeOf(values.endDate, 'endDate');
  if (start !== undefined && end !== undefined && start > end) throw new ArcaError('UserErrorInvalidArgument', { name: '$filter', reason: 'startDate is after endDate' });
  return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

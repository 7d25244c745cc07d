import { isArcaError } from '../../core/errors/index.ts';
import { parseResourceId } from '../../core/ids/index.ts';
import { staggerStarts } from '../../core/limits.ts';
import { toZoned } from '../../core/policy/index.ts';
import { isBackupScheduled } from '../../core/states/index.ts';
import { getProtectedItem, type StoredPolicy, type StoredProtectedItem } from '../backup/index.ts';
import { createJobIn } from '../jobs/index.ts';
import { isConflictError, type MetadataOperations, type MetadataStore } from '../persistence/index.ts';
import { dueSlot, latestSlot } from './due-slot.ts';
import { getSchedulePlan, saveSchedulePlan, type SchedulePlan } from './schedule-plans.ts';
import { policyReader, scheduledItems } from './scheduled-items.ts';

/** What planning did for one item's due slot. */
export type PlanOutcome =
  | { readonly kind: 'created'; readonly itemId: string; readonly slot: string; readonly jobId: string; readonly readyAt: string }
  | { readonly kind: 'skipped'; readonly itemId: string; readonly slot: string; readonly reason: 'backup-running' | 'daily-limit'; readonly runningJobId?: string }
  /** Another scheduler planned the slot first, or the item changed meanwhile: nothing to do. */
  | { readonly kind: 'taken'; readonly itemId: string; readonly slot: string };

export interface PlanLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface PlanOptions {
  /** Time between one wave of at most four starts in a resource group and the next. */
  readonly waveGapMs: number;
  readonly log: PlanLog;
  /** Policies found missing, warned about once per scheduler. */
  readonly missingPolicies: Set<string>;
}

interface Candidate {
  readonly item: StoredProtectedItem;
  readonly policy: StoredPolicy;
  readonly slot: Date;
  /** Planned already, by this or another scheduler: it keeps its place in its group's waves. */
  readonly planned: boolean;
}

/** An item's plan starts where its protection began: slots before that never run. */
function plannedThroughOf(item: StoredProtectedItem, plan: SchedulePlan | undefined): Date {
  return new Date(plan?.plannedThrough ?? item.createdAt);
}

async function candidateOf(store: MetadataOperations, item: StoredProtectedItem, policy: StoredPolicy, now: Date): Promise<Candidate | undefined> {
  const plan = (await getSchedulePlan(store, item.id))?.data;
  const due = dueSlot(policy.policy.schedule, plannedThroughOf(item, plan), now);
  if (due !== undefined) return { item, policy, slot: due, planned: false };
  const latest = latestSlot(policy.policy.schedule, now);
  return latest !== undefined && plan?.plannedThrough === latest.toISOString() ? { item, policy, slot: latest, planned: true } : undefined;
}

/** The resource group of the protected machine: the unit within which starts are staggered. */
function groupOf(candidate: Candidate): string {
  return `${(parseResourceId(candidate.item.sourceResourceId).resourceGroup ?? '').toLowerCase()}|${candidate.slot.getTime()}`;
}

/**
 * When each due backup may start: the items of one resource group due at one slot, in id order
 * (planned ones included, so that every scheduler draws the same waves), go in waves of at most four
 * (core `staggerStarts`), counted from the slot while the slot is recent and from now after a
 * downtime. No start is earlier than now.
 */
function readyTimes(candidates: readonly Candidate[], now: Date, waveGapMs: number): Map<Candidate, Date> {
  const groups = Map.groupBy(candidates, groupOf);
  const ready = new Map<Candidate, Date>();
  for (const members of groups.values()) {
    const ordered = members.toSorted((a, b) => (a.item.id.toLowerCase() < b.item.id.toLowerCase() ? -1 : 1));
    const slot = ordered[0]?.slot ?? now;
    const at = now.getTime() - slot.getTime() < waveGapMs ? slot : now;
    for (const { item, startAt } of staggerStarts(ordered, { at, waveGapMs })) ready.set(item, new Date(Math.max(now.getTime(), startAt.getTime())));
  }
  return ready;
}

function sameDay(a: Date, b: Date, timeZone: string): boolean {
  const x = toZoned(a, timeZone);
  const y = toZoned(b, timeZone);
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

/**
 * Plans one slot of one item in one transaction: records the slot in the item's plan (with the
 * version read, so a second scheduler loses) and creates the Backup job, or records why not.
 */
async function planSlot(store: MetadataStore, candidate: Candidate, readyAt: Date, now: Date): Promise<PlanOutcome> {
  const { policy, slot } = candidate;
  const base = { itemId: candidate.item.id, slot: slot.toISOString() };
  try {
    return await store.transaction(async (operations): Promise<PlanOutcome> => {
      const item = (await getProtectedItem(operations, candidate.item.id))?.data;
      if (item === undefined || !isBackupScheduled(item.protectionState) || item.policyId?.toLowerCase() !== policy.id.toLowerCase()) return { kind: 'taken', ...base };
      const plan = await getSchedulePlan(operations, item.id);
      if (plannedThroughOf(item, plan?.data).getTime() >= slot.getTime()) return { kind: 'taken', ...base };
      const version = plan?.version ?? 0;
      const lastJobSlot = plan?.data.lastJobSlot;
      // core MAX_SCHEDULED_BACKUPS_PER_DAY_STANDARD: a standard policy whose run time moved later in the day does not run twice.
      if (policy.policy.policyType === 'V1' && lastJobSlot !== undefined && sameDay(new Date(lastJobSlot), slot, policy.policy.timeZone)) {
        await saveSchedulePlan(operations, { ...plan?.data, itemId: item.id, plannedThrough: base.slot }, version);
        return { kind: 'skipped', ...base, reason: 'daily-limit' };
      }
      try {
        const job = await createJobIn(operations, {
          vaultId: item.vaultId,
          itemId: item.id,
          vmId: item.sourceResourceId,
          operation: 'Backup',
          kind: 'Backup',
          friendlyName: item.friendlyName,
          containerName: item.containerName.split(';').slice(1).join(';'),
          isUserTriggered: false,
          now,
          readyAt,
          payload: { trigger: 'Scheduled', slot: base.slot, policyId: policy.id },
        });
        await saveSchedulePlan(operations, { itemId: item.id, plannedThrough: base.slot, lastJobSlot: base.slot, lastJobId: job.data.name }, version);
        return { kind: 'created', ...base, jobId: job.data.name, readyAt: readyAt.toISOString() };
      } catch (error) {
        // Refused before anything was written: the slot is spent, the running job stays alone.
        if (!isArcaError(error) || error.code !== 'UserErrorBackupOperationInProgress') throw error;
        await saveSchedulePlan(operations, { ...plan?.data, itemId: item.id, plannedThrough: base.slot }, version);
        return { kind: 'skipped', ...base, reason: 'backup-running', runningJobId: String(error.params.jobId) };
      }
    });
  } catch (error) {
    if (isConflictError(error)) return { kind: 'taken', ...base };
    throw error;
  }
}

/**
 * One planning pass: for every item in a scheduled state with a policy, the slot due since its last
 * planning becomes a Backup job (not user-triggered), staggered within resource groups. An item
 * whose backup is still running skips that slot with a note; a standard policy runs once a day.
 */
export async function planBackups(store: MetadataStore, now: Date, options: PlanOptions): Promise<PlanOutcome[]> {
  const policyOf = policyReader(store);
  const candidates: Candidate[] = [];
  for (const { data: item } of await scheduledItems(store)) {
    const policy = await policyOf(item.policyId ?? '');
    if (policy === undefined) {
      if (!options.missingPolicies.has(item.id)) options.log.warn({ item: item.id, policy: item.policyId }, 'protected item follows a policy that does not exist; no scheduled backups');
      options.missingPolicies.add(item.id);
      continue;
    }
    const candidate = await candidateOf(store, item, policy, now);
    if (candidate !== undefined) candidates.push(candidate);
  }
  const ready = readyTimes(candidates, now, options.waveGapMs);
  const outcomes: PlanOutcome[] = [];
  for (const candidate of candidates) {
    if (candidate.planned) continue;
    const outcome = await planSlot(store, candidate, ready.get(candidate) ?? now, now);
    report(options.log, candidate.item, outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

function report(log: PlanLog, item: StoredProtectedItem, outcome: PlanOutcome): void {
  const fields = { item: item.id, vm: item.friendlyName, slot: outcome.slot };
  if (outcome.kind === 'created') log.info({ ...fields, job: outcome.jobId, readyAt: outcome.readyAt }, 'scheduled backup queued');
  else if (outcome.kind === 'skipped' && outcome.reason === 'backup-running') {
    log.warn({ ...fields, runningJob: outcome.runningJobId }, 'scheduled backup skipped for this slot: another backup operation of the item is still running');
  } else if (outcome.kind === 'skipped') log.info(fields, 'scheduled backup skipped: the standard policy takes one scheduled backup a day');
}

import type { DeletedInstantPoint } from '../../protocol/index.ts';
import { withRetryOnConflict } from '../arm/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';

/**
 * Per machine (collection `agent-goal-states`, keyed by the lower-cased VM id): the goal state's
 * incarnation, bumped whenever what the agent should do changes, and the instant points that left
 * their collection, listed until the agent says it applied a goal state that carried them.
 */
export const AGENT_GOAL_STATES = 'agent-goal-states';

export interface GoalStateRecord {
  readonly vmId: string;
  readonly incarnation: number;
  readonly deletedPoints: readonly (DeletedInstantPoint & { readonly incarnation: number })[];
}

const keyOf = (vmId: string) => vmId.toLowerCase();

export async function getGoalStateRecord(store: MetadataOperations, vmId: string): Promise<GoalStateRecord> {
  return (await store.get<GoalStateRecord>(AGENT_GOAL_STATES, keyOf(vmId)))?.data ?? { vmId, incarnation: 0, deletedPoints: [] };
}

function change(store: MetadataOperations, vmId: string, fn: (record: GoalStateRecord) => GoalStateRecord): Promise<GoalStateRecord> {
  return withRetryOnConflict(async () => {
    const stored = await store.get<GoalStateRecord>(AGENT_GOAL_STATES, keyOf(vmId));
    const current = stored?.data ?? { vmId, incarnation: 0, deletedPoints: [] };
    const next = fn(current);
    if (next === current) return current;
    await store.put<GoalStateRecord>(AGENT_GOAL_STATES, { id: keyOf(vmId), data: next, index: { vm: keyOf(vmId) } }, { expectedVersion: stored?.version ?? 0 });
    return next;
  });
}

/** A new incarnation: the agent's next pull sees a changed goal state; deleted points join it. */
export function bumpIncarnation(store: MetadataOperations, vmId: string, deleted: readonly DeletedInstantPoint[] = []): Promise<GoalStateRecord> {
  return change(store, vmId, (record) => {
    const incarnation = record.incarnation + 1;
    return { ...record, incarnation, deletedPoints: [...record.deletedPoints, ...deleted.map((point) => ({ ...point, incarnation }))] };
  });
}

/** The agent applied `incarnation`: the deleted points it carried are gone from the machine. */
export function acknowledgeGoalState(store: MetadataOperations, vmId: string, incarnation: number): Promise<GoalStateRecord> {
  return change(store, vmId, (record) => {
    const left = record.deletedPoints.filter((point) => point.incarnation > incarnation);
    return left.length === record.deletedPoints.length ? record : { ...record, deletedPoints: left };
  });
}

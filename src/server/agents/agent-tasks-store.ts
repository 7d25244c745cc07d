import { ArcaError } from '../../core/errors/index.ts';
import { withRetryOnConflict } from '../arm/index.ts';
import type { IndexValues, MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { AGENT_TASKS, type AgentTaskRecord, type AgentTaskStatus } from './agent-task-model.ts';

/** Reads and writes of the `agent-tasks` collection (see agent-task-model.ts). */
export function agentTaskIndex(task: AgentTaskRecord): IndexValues {
  return { vm: task.vmId.toLowerCase(), status: task.status, created: task.created };
}

const keyOf = (taskId: string) => taskId.toLowerCase();

export function getAgentTask(store: MetadataOperations, taskId: string): Promise<StoredRecord<AgentTaskRecord> | undefined> {
  return store.get<AgentTaskRecord>(AGENT_TASKS, keyOf(taskId));
}

/** Creates the task; a task id is a job name, so one job has one task (`expectedVersion` 0). */
export function createAgentTask(store: MetadataOperations, task: AgentTaskRecord): Promise<StoredRecord<AgentTaskRecord>> {
  return store.put<AgentTaskRecord>(AGENT_TASKS, { id: keyOf(task.taskId), data: task, index: agentTaskIndex(task) }, { expectedVersion: 0 });
}

/** Read-modify-write, retried on conflict; `fn` returning the same object writes nothing. */
export function updateAgentTask(
  store: MetadataOperations,
  taskId: string,
  fn: (task: AgentTaskRecord) => AgentTaskRecord,
): Promise<StoredRecord<AgentTaskRecord>> {
  return withRetryOnConflict(async () => {
    const record = await getAgentTask(store, taskId);
    if (!record) throw new ArcaError('ResourceNotFound', { resourceId: `agent task ${taskId}` });
    const next = fn(record.data);
    if (next === record.data) return record;
    return store.put<AgentTaskRecord>(AGENT_TASKS, { id: record.id, data: next, index: agentTaskIndex(next) }, { expectedVersion: record.version });
  });
}

/** The machine's tasks in the given states, oldest first. */
export async function agentTasksOf(store: MetadataOperations, vmId: string, statuses: readonly AgentTaskStatus[]): Promise<StoredRecord<AgentTaskRecord>[]> {
  const found: StoredRecord<AgentTaskRecord>[] = [];
  for (const status of statuses) {
    let continuation: string | undefined;
    do {
      const page = await store.list<AgentTaskRecord>(AGENT_TASKS, {
        where: [
          { field: 'vm', op: 'eq', value: vmId.toLowerCase() },
          { field: 'status', op: 'eq', value: status },
        ],
        orderBy: { field: 'created' },
        limit: 1000,
        ...(continuation ? { continuation } : {}),
      });
      found.push(...page.records);
      continuation = page.continuation;
    } while (continuation);
  }
  return found.toSorted((a, b) => a.data.created.localeCompare(b.data.created));
}

import { SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION, type GoalState, type SnapshotTaskGoal } from '../../protocol/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import type { AgentTaskRecord } from './agent-task-model.ts';
import { agentTasksOf, updateAgentTask } from './agent-tasks-store.ts';
import { getGoalStateRecord } from './goal-state-store.ts';

/** A cancelled task stays in the goal state this long, so an agent that was away still learns to stop. */
const CANCELLED_SHOWN_MS = 24 * 3_600_000;

function taskGoal(task: AgentTaskRecord): SnapshotTaskGoal {
  const { settings } = task;
  return {
    taskId: task.taskId,
    kind: settings.kind,
    state: task.status === 'cancelled' ? 'cancelled' : task.status === 'transitioning' ? 'transitioning' : 'pending',
    jobName: settings.jobName,
    collectionId: settings.collectionId,
    pointName: settings.pointName,
    consistencyWanted: settings.consistencyWanted,
    disks: settings.disks.map((disk) => ({
      name: disk.name,
      ...(disk.lun === undefined ? {} : { lun: disk.lun }),
      ...(disk.path === undefined ? {} : { path: disk.path }),
      ...(disk.pointDisk === undefined ? {} : { pointDisk: disk.pointDisk }),
    })),
    ...(settings.repositoryPointId === undefined ? {} : { repositoryPointId: settings.repositoryPointId }),
    ...(settings.reinstall ? { reinstall: true } : {}),
  };
}

/**
 * What the machine's agent should do now: the snapshot extension with its open tasks (and recently
 * cancelled ones), and the instant points whose files it should remove. Reading it is how the agent
 * picks a task up, so pending tasks are marked seen.
 */
export async function readGoalState(
  store: MetadataOperations,
  vm: { id: string; machineId: string },
  now: Date,
  agent: Pick<GoalState, 'agentUpdate' | 'minimumAgentVersion'> = {},
): Promise<GoalState> {
  const record = await getGoalStateRecord(store, vm.id);
  const tasks = await agentTasksOf(store, vm.id, ['pending', 'transitioning', 'cancelled']);
  const shown = tasks.filter((t) => t.data.status !== 'cancelled' || now.getTime() - Date.parse(t.data.updated) < CANCELLED_SHOWN_MS);
  for (const task of shown) {
    if (task.data.status === 'pending' && task.data.pickedUp === undefined) {
      await updateAgentTask(store, task.data.taskId, (t) => (t.pickedUp === undefined ? { ...t, pickedUp: now.toISOString() } : t));
    }
  }
  return {
    incarnation: record.incarnation,
    machineId: vm.machineId,
    extensions: [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, state: 'enabled', settings: { tasks: shown.map((t) => taskGoal(t.data)) } }],
    deletedInstantPoints: record.deletedPoints.map(({ collectionId, pointName, snapshots }) => ({ collectionId, pointName, snapshots })),
    ...agent,
  };
}

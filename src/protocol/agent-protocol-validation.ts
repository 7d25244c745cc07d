import { findEntry, isArcaError } from '../core/errors/index.ts';
import { AGENT_VERSION_PATTERN } from '../core/versions/agent-version.ts';
import { CONSISTENCIES, EXTENSION_HANDLER_STATES, EXTENSION_STATUSES } from '../core/states/index.ts';
import {
  GOAL_TASK_STATES,
  OS_TYPES,
  REPORTED_AGENT_STATUSES,
  SNAPSHOT_PHASES,
  TASK_KINDS,
  TASK_REPORT_STATUSES,
  WANTED_CONSISTENCIES,
  type AgentSelfReport,
  type AgentUpdateOffer,
  type DeletedInstantPoint,
  type ExtensionGoal,
  type ExtensionStatusReport,
  type GoalState,
  type RegistrationRequest,
  type RegistrationResponse,
  type ReportedDisk,
  type ReportedOs,
  type SnapshotTaskGoal,
  type StatusReport,
  type TaskResultReport,
  type TaskStatusReport,
} from './agent-protocol.ts';
import { refuseContent, WireObject } from './wire-object.ts';

/** Shapes of the protocol's fields; every message is checked against them before it is used. */
export const WIRE = {
  machineId: { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, shape: 'a machine id (letters, digits, dots, underscores, hyphens)' },
  token: { max: 256, pattern: /^[\x21-\x7e]+$/, shape: 'printable characters without spaces' },
  version: { max: 40, pattern: /^[0-9A-Za-z][0-9A-Za-z.+-]*$/, shape: 'a version such as 1.2.3' },
  message: { max: 1000 },
  name: { max: 80, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, shape: 'a name of letters, digits, dots, underscores and hyphens' },
  extensionName: { max: 120, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, shape: 'an extension name such as Arca.Backup.VMSnapshotLinux' },
  id: { max: 100, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, shape: 'an id of letters, digits, underscores and hyphens' },
  path: { max: 4096, pattern: /^\/\P{Cc}*$/u, shape: 'an absolute path without control characters' },
  resourceId: { max: 1000, pattern: /^\/subscriptions\/[^\s\p{Cc}]+$/iu, shape: 'an ARM resource id' },
  code: { max: 100, pattern: /^[A-Za-z][A-Za-z0-9]*$/, shape: 'an error code' },
} as const;

const MAX_DISKS = 64;
const MAX_BYTES = 2 ** 53 - 1;

function agentSelf(input: WireObject): AgentSelfReport {
  const message = input.string('message', WIRE.message);
  return {
    status: input.requiredMember('status', REPORTED_AGENT_STATUSES),
    version: input.requiredString('version', WIRE.version),
    ...(message === undefined ? {} : { message }),
  };
}

function reportedDisk(input: WireObject): ReportedDisk {
  const encrypted = input.boolean('encrypted');
  return {
    name: input.requiredString('name', WIRE.name),
    path: input.requiredString('path', WIRE.path),
    sizeBytes: input.requiredInteger('sizeBytes', { min: 1, max: MAX_BYTES }),
    ...(encrypted === undefined ? {} : { encrypted }),
  };
}

const OS_TEXT = { max: 200, pattern: /^[^\p{Cc}]+$/u, shape: 'text without control characters' };

function reportedOs(input: WireObject): ReportedOs {
  const name = input.string('name', OS_TEXT);
  const version = input.string('version', { max: 80, pattern: OS_TEXT.pattern, shape: OS_TEXT.shape });
  const kernel = input.string('kernel', OS_TEXT);
  const architecture = input.string('architecture', { max: 40, pattern: /^[A-Za-z0-9_.-]+$/, shape: 'an architecture such as x64' });
  return {
    type: input.requiredMember('type', OS_TYPES),
    ...(name === undefined ? {} : { name }),
    ...(version === undefined ? {} : { version }),
    ...(kernel === undefined ? {} : { kernel }),
    ...(architecture === undefined ? {} : { architecture }),
  };
}

function snapshots(input: WireObject, name: string): { disk: string; path: string }[] {
  return input.objects(name, MAX_DISKS).map((s) => ({ disk: s.requiredString('disk', WIRE.name), path: s.requiredString('path', WIRE.path) }));
}

/** Server side: the body of POST /arca/agent/register. */
export function parseRegistrationRequest(body: unknown): RegistrationRequest {
  const input = new WireObject(body, '');
  const disks = input.objects('disks', MAX_DISKS).map(reportedDisk);
  const names = new Set(disks.map((d) => d.name.toLowerCase()));
  if (names.size !== disks.length) refuseContent('disks names one disk twice');
  const os = input.object('os');
  return {
    registrationToken: input.requiredString('registrationToken', WIRE.token),
    machineId: input.requiredString('machineId', WIRE.machineId),
    agent: agentSelf(input.requiredObject('agent')),
    disks,
    ...(os === undefined ? {} : { os: reportedOs(os) }),
  };
}

/** Agent side: the answer to a registration. */
export function parseRegistrationResponse(body: unknown): RegistrationResponse {
  const input = new WireObject(body, '');
  return {
    machineId: input.requiredString('machineId', WIRE.machineId),
    vmResourceId: input.requiredString('vmResourceId', WIRE.resourceId),
    tokenId: input.requiredString('tokenId', WIRE.id),
    agentToken: input.requiredString('agentToken', WIRE.token),
  };
}

function taskError(input: WireObject): { code: string; params: Record<string, string | number> } {
  const code = input.requiredString('code', WIRE.code);
  const entry = findEntry(code);
  if (entry === undefined) refuseContent(`${input.at('code')}: ${code} is not a code of Arca's error catalog`);
  return { code: entry.code, params: input.params('params') };
}

/** A vault-tier restore's counts of a disk: what was written and what was left alone. */
function optionalCounts(input: WireObject): { bytesUnchanged?: number; chunksWritten?: number; chunksUnchanged?: number } {
  const counts: { bytesUnchanged?: number; chunksWritten?: number; chunksUnchanged?: number } = {};
  for (const name of ['bytesUnchanged', 'chunksWritten', 'chunksUnchanged'] as const) {
    const value = input.integer(name, { min: 0, max: MAX_BYTES });
    if (value !== undefined) counts[name] = value;
  }
  return counts;
}

function taskResult(input: WireObject): TaskResultReport {
  const consistency = input.member('consistency', CONSISTENCIES);
  const reason = input.string('consistencyReason', WIRE.message);
  const manifestId = input.string('manifestId', WIRE.id);
  const bytesRead = input.integer('bytesRead', { min: 0, max: MAX_BYTES });
  const bytesNew = input.integer('bytesNew', { min: 0, max: MAX_BYTES });
  const restored = input.has('restored')
    ? input.objects('restored', MAX_DISKS).map((r) => ({
        disk: r.requiredString('disk', WIRE.name),
        path: r.requiredString('path', WIRE.path),
        safetyPath: r.requiredString('safetyPath', WIRE.path),
        bytesWritten: r.requiredInteger('bytesWritten', { min: 0, max: MAX_BYTES }),
        ...optionalCounts(r),
      }))
    : undefined;
  return {
    ...(consistency === undefined ? {} : { consistency }),
    ...(reason === undefined ? {} : { consistencyReason: reason }),
    ...(input.has('snapshots') ? { snapshots: snapshots(input, 'snapshots') } : {}),
    ...(manifestId === undefined ? {} : { manifestId }),
    ...(bytesRead === undefined ? {} : { bytesRead }),
    ...(bytesNew === undefined ? {} : { bytesNew }),
    ...(restored === undefined ? {} : { restored }),
  };
}

function taskReport(input: WireObject): TaskStatusReport {
  const status = input.requiredMember('status', TASK_REPORT_STATUSES);
  const phase = input.member('phase', SNAPSHOT_PHASES);
  const progress = input.integer('progress', { min: 0, max: 100 });
  const result = input.object('result');
  const error = input.object('error');
  const report: TaskStatusReport = {
    taskId: input.requiredString('taskId', WIRE.id),
    status,
    ...(phase === undefined ? {} : { phase }),
    ...(progress === undefined ? {} : { progress }),
    ...(result === undefined ? {} : { result: taskResult(result) }),
    ...(error === undefined ? {} : { error: taskError(error) }),
  };
  if (status === 'success' && report.result?.manifestId === undefined && report.result?.restored === undefined) {
    refuseContent(`${input.at('result.manifestId')} is required when the task succeeded (result.restored, for a restore task)`);
  }
  if (status === 'error' && report.error === undefined) refuseContent(`${input.at('error')} is required when the task failed`);
  if (status !== 'error' && report.error !== undefined) refuseContent(`${input.at('error')} belongs to a task that failed`);
  return report;
}

function extensionReport(input: WireObject): ExtensionStatusReport {
  const status = input.object('status');
  return {
    name: input.requiredString('name', WIRE.extensionName),
    version: input.requiredString('version', WIRE.version),
    handlerState: input.requiredMember('handlerState', EXTENSION_HANDLER_STATES),
    ...(status === undefined
      ? {}
      : {
          status: {
            status: status.requiredMember('status', EXTENSION_STATUSES),
            code: status.requiredInteger('code', { min: 0, max: 2 ** 31 - 1 }),
            message: status.string('message', WIRE.message) ?? '',
          },
        }),
  };
}

/** Server side: the body of PUT …/status. */
export function parseStatusReport(body: unknown): StatusReport {
  const input = new WireObject(body, '');
  const incarnation = input.integer('goalStateIncarnation', { min: 0, max: MAX_BYTES });
  const tasks = input.objects('tasks', 100).map(taskReport);
  if (new Set(tasks.map((t) => t.taskId)).size !== tasks.length) refuseContent('tasks reports one task twice');
  return {
    ...(incarnation === undefined ? {} : { goalStateIncarnation: incarnation }),
    agent: agentSelf(input.requiredObject('agent')),
    extensions: input.objects('extensions', 50).map(extensionReport),
    tasks,
  };
}

function goalTask(input: WireObject): SnapshotTaskGoal {
  const kind = input.requiredMember('kind', TASK_KINDS);
  let task: SnapshotTaskGoal = {
    taskId: input.requiredString('taskId', WIRE.id),
    kind,
    state: input.requiredMember('state', GOAL_TASK_STATES),
    jobName: input.requiredString('jobName', WIRE.id),
    collectionId: input.requiredString('collectionId', WIRE.resourceId),
    pointName: input.requiredString('pointName', WIRE.id),
    consistencyWanted: input.requiredMember('consistencyWanted', WANTED_CONSISTENCIES),
    disks: input.objects('disks', MAX_DISKS).map((d) => {
      const lun = d.integer('lun', { min: 0, max: 63 });
      const path = d.string('path', WIRE.path);
      const pointDisk = d.integer('pointDisk', { min: 0, max: MAX_DISKS - 1 });
      return { name: d.requiredString('name', WIRE.name), ...(lun === undefined ? {} : { lun }), ...(path === undefined ? {} : { path }), ...(pointDisk === undefined ? {} : { pointDisk }) };
    }),
    ...(input.boolean('reinstall') === true ? { reinstall: true } : {}),
  };
  const repositoryPointId = input.string('repositoryPointId', WIRE.id);
  if (repositoryPointId !== undefined) {
    if (kind !== 'restore') refuseContent(`${input.at('repositoryPointId')} belongs to a restore task`);
    if (task.disks.some((d) => d.pointDisk === undefined)) refuseContent(`${input.at('disks')}: each disk of a restore from the vault needs its pointDisk`);
    task = { ...task, repositoryPointId };
  }
  // A restore writes over the disks it names: each must say where it is, and only once.
  if (kind === 'restore') {
    if (task.disks.length === 0) refuseContent(`${input.at('disks')} must name the disks a restore task writes`);
    if (task.disks.some((d) => d.path === undefined)) refuseContent(`${input.at('disks')}: each disk of a restore task needs its path`);
    if (new Set(task.disks.map((d) => d.path)).size !== task.disks.length) refuseContent(`${input.at('disks')} names one path twice`);
  }
  return task;
}

function extensionGoal(input: WireObject): ExtensionGoal {
  return {
    name: input.requiredString('name', WIRE.extensionName),
    version: input.requiredString('version', WIRE.version),
    state: input.requiredMember('state', ['enabled'] as const),
    settings: { tasks: input.requiredObject('settings').objects('tasks', 100).map(goalTask) },
  };
}

function deletedPoint(input: WireObject): DeletedInstantPoint {
  return {
    collectionId: input.requiredString('collectionId', WIRE.resourceId),
    pointName: input.requiredString('pointName', WIRE.id),
    snapshots: snapshots(input, 'snapshots'),
  };
}

const AGENT_VERSION_RULE = { max: 60, pattern: AGENT_VERSION_PATTERN, shape: 'an agent version such as 1.2.3' };

function agentUpdate(input: WireObject): AgentUpdateOffer {
  return {
    version: input.requiredString('version', AGENT_VERSION_RULE),
    sha256: input.requiredString('sha256', { max: 64, pattern: /^[0-9a-f]{64}$/, shape: 'a SHA-256 in 64 lower-case hexadecimal digits' }),
    sizeBytes: input.requiredInteger('sizeBytes', { min: 1, max: MAX_BYTES }),
  };
}

/**
 * The offered agent update, or undefined when it is malformed: a bad offer must not cost the
 * machine its backups and restores, so the field is dropped (and reported) and the rest is kept.
 */
function optionalAgentUpdate(input: WireObject, onDropped: ((field: string, reason: string) => void) | undefined): AgentUpdateOffer | undefined {
  try {
    const update = input.object('agentUpdate');
    return update === undefined ? undefined : agentUpdate(update);
  } catch (error) {
    if (!isArcaError(error) || error.code !== 'InvalidRequestContent') throw error;
    onDropped?.('agentUpdate', error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** Agent side: the goal state it pulled. A malformed `agentUpdate` is dropped and passed to `onDropped`. */
export function parseGoalState(body: unknown, onDropped?: (field: string, reason: string) => void): GoalState {
  const input = new WireObject(body, '');
  const update = optionalAgentUpdate(input, onDropped);
  const minimum = input.string('minimumAgentVersion', AGENT_VERSION_RULE);
  return {
    incarnation: input.requiredInteger('incarnation', { min: 0, max: MAX_BYTES }),
    machineId: input.requiredString('machineId', WIRE.machineId),
    extensions: input.objects('extensions', 50).map(extensionGoal),
    deletedInstantPoints: input.objects('deletedInstantPoints', 1000).map(deletedPoint),
    ...(update === undefined ? {} : { agentUpdate: update }),
    ...(minimum === undefined ? {} : { minimumAgentVersion: minimum }),
  };
}

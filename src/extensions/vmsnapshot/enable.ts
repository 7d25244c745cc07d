import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/clock.ts';
import { entryFor, invalidArgument, type CatalogCode } from '../../core/errors/index.ts';
import type { DeletedInstantPoint, SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import { writeHeartbeat } from '../host/heartbeat.ts';
import { readSettings, type JsonObject } from '../host/settings-files.ts';
import { writeStatus } from '../host/status-files.ts';
import { readConfig } from './config.ts';
import { FsFreezeFreezer, type Freezer } from './freezer.ts';
import { ProcLoadProbe, type LoadProbe } from './machine-checks.ts';
import { parseMountinfo } from './mountinfo.ts';
import { houseKeep, removeIdsOfDeletedPoints, type HousekeepingResult } from './housekeeping.ts';
import { removeDeletedPoints } from './restore-points.ts';
import { runRestoreTask } from './restore-task.ts';
import { execRunner } from './command-runner.ts';
import { DeviceMapperSnapshotProvider } from './device-mapper-provider.ts';
import { ReflinkSnapshotProvider, type SnapshotProvider } from './snapshot-provider.ts';
import { runSnapshotTask } from './snapshot-task.ts';
import type { Uploader } from './uploader.ts';

/** Where one run of the extension reads and writes (given by the host, see host/handler-files.ts). */
export interface ExtensionRun {
  readonly sequence: number;
  readonly configDir: string;
  readonly statusDir: string;
  readonly stateDir: string;
  readonly heartbeatFile: string;
  readonly logDir: string;
  /** The machine's own configuration (scripts, freeze timeout, exclusions, thresholds). */
  readonly configPath: string;
}

export interface EnableDeps {
  readonly clock: Clock;
  readonly freezer?: Freezer;
  readonly providers?: readonly SnapshotProvider[];
  readonly loadProbe?: LoadProbe;
  /** Builds the upload channel from the protected settings; undefined when they name none. */
  readonly uploaderFor?: (protectedSettings: JsonObject) => Promise<{ readonly uploader: Uploader; readonly endpoint?: string; close(): Promise<void> } | undefined>;
  readonly log?: (line: string) => void;
}

interface PublicSettings {
  readonly machine: { readonly id: string; readonly name: string };
  readonly tasks: readonly SnapshotTaskGoal[];
  readonly deletedInstantPoints: readonly DeletedInstantPoint[];
  readonly diskPaths?: Readonly<Record<string, string>>;
}

function parsePublic(body: JsonObject): PublicSettings {
  const machine = body['machine'] as PublicSettings['machine'] | undefined;
  if (typeof machine?.id !== 'string' || typeof machine.name !== 'string') throw invalidArgument('publicSettings.machine', 'it must name the machine (id and name)');
  const tasks = body['tasks'] ?? [];
  if (!Array.isArray(tasks) || !tasks.every((t) => typeof t?.taskId === 'string' && Array.isArray(t?.disks) && typeof t?.pointName === 'string' && typeof t?.collectionId === 'string')) {
    throw invalidArgument('publicSettings.tasks', 'each task needs taskId, collectionId, pointName and disks');
  }
  const deleted = body['deletedInstantPoints'] ?? [];
  if (!Array.isArray(deleted)) throw invalidArgument('publicSettings.deletedInstantPoints', 'it must be a list');
  return { machine, tasks: tasks as SnapshotTaskGoal[], deletedInstantPoints: deleted as DeletedInstantPoint[], ...(body['diskPaths'] ? { diskPaths: body['diskPaths'] as Record<string, string> } : {}) };
}

/** Housekeeping never fails a run: what it could not remove waits for the next one. */
async function tidy(work: () => Promise<HousekeepingResult>, log: ((line: string) => void) | undefined): Promise<void> {
  try {
    const { removed, kept } = await work();
    for (const { path, reason } of removed) log?.(`removed ${path}: ${reason}`);
    for (const { path, reason } of kept) if (reason.startsWith('refused')) log?.(`kept ${path}: ${reason}`);
  } catch (error) {
    log?.(`housekeeping: ${(error as Error).message}`);
  }
}

const readMounts = async () => parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));

/** Writes task reports into the status file one after another, in the order they were made. */
function statusWriter(run: ExtensionRun, clock: Clock): (report: TaskStatusReport) => Promise<void> {
  let chain = Promise.resolve();
  return (report) => {
    const code = report.error ? entryFor(report.error.code as CatalogCode).numericCode : 0;
    const message = report.error ? report.error.code : `${report.phase ?? 'snapshot'} ${report.status}${report.progress === undefined ? '' : ` ${report.progress} %`}`;
    chain = chain.then(() => writeStatus(run.statusDir, run.sequence, { operation: 'Snapshot', status: report.status, code, message, task: report }, clock, 'VMSnapshot'));
    return chain;
  };
}

/**
 * `enable` for one sequence number: remove the snapshot files of deleted instant points, then run
 * each task in the settings. Task failures are reported in the status file (exit 0): the command
 * itself fails only when it cannot read its settings.
 */
export async function enableVmSnapshot(run: ExtensionRun, deps: EnableDeps): Promise<void> {
  const settings = await readSettings(run.configDir, run.sequence);
  const body = parsePublic(settings.publicSettings);
  const config = await readConfig(run.configPath);
  await writeHeartbeat(run.heartbeatFile, 'busy', `sequence ${run.sequence}`, deps.clock);
  const { removed, refused } = await removeDeletedPoints(body.deletedInstantPoints);
  for (const path of refused) deps.log?.(`refused to remove ${path}: not a snapshot file of its point`);
  await tidy(() => removeIdsOfDeletedPoints(run.stateDir, body.deletedInstantPoints), deps.log);
  if (body.tasks.length === 0) {
    await writeStatus(run.statusDir, run.sequence, { operation: 'Enable', status: 'success', code: 0, message: `Enabled; ${removed.length} snapshot files of deleted points removed` }, deps.clock, 'VMSnapshot');
    await writeHeartbeat(run.heartbeatFile, 'ready', 'enabled', deps.clock);
    return;
  }
  const diskPaths = [...body.tasks.flatMap((t) => t.disks.flatMap((d) => (d.path ? [d.path] : []))), ...Object.values(body.diskPaths ?? {})];
  await tidy(() => houseKeep({ stateDir: run.stateDir, tasks: body.tasks, diskPaths, safetyPointRetentionDays: config.safetyPointRetentionDays, now: deps.clock.now() }), deps.log);
  const channel = await deps.uploaderFor?.(settings.protectedSettings);
  try {
    const report = statusWriter(run, deps.clock);
    for (const task of body.tasks) {
      if (task.kind === 'restore') {
        const vault = settings.protectedSettings['vault'];
        // Loaded on demand, with the HTTPS reader, only for a restore from the vault tier.
        const openPointReader = vault === undefined ? undefined : async (pointId: string) => {
          const [{ openVaultPointReader }, { parseVaultSettings, vaultChannelOptions }] = await Promise.all([import('./vault-point-reader.ts'), import('./vault-uploader.ts')]);
          return openVaultPointReader(vaultChannelOptions(parseVaultSettings(vault)), pointId);
        };
        await runRestoreTask(task, { machine: body.machine, stateDir: run.stateDir, readMounts, report, ...(deps.log ? { log: deps.log } : {}), ...(openPointReader ? { openPointReader } : {}) });
        continue;
      }
      await runSnapshotTask(task, {
        clock: deps.clock,
        config,
        freezer: deps.freezer ?? new FsFreezeFreezer(),
        providers: deps.providers ?? [
          new ReflinkSnapshotProvider(),
          new DeviceMapperSnapshotProvider({ stateDir: run.stateDir, runner: execRunner(), cowSizeBytes: config.dmCowSizeMiB * 2 ** 20, ...(config.dmCowDevice ? { cowDevice: config.dmCowDevice } : {}), ...(deps.log ? { log: deps.log } : {}) }),
        ],
        loadProbe: deps.loadProbe ?? new ProcLoadProbe(),
        readMounts,
        machine: body.machine,
        ...(body.diskPaths ? { diskPaths: body.diskPaths } : {}),
        logDir: run.logDir,
        stateDir: run.stateDir,
        report,
        ...(channel ? { uploader: channel.uploader } : {}),
        ...(channel?.endpoint ? { endpoint: channel.endpoint } : {}),
        ...(deps.log ? { log: deps.log } : {}),
      });
    }
  } finally {
    await channel?.close();
  }
  await writeHeartbeat(run.heartbeatFile, 'ready', `sequence ${run.sequence} done`, deps.clock);
}

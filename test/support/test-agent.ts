import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isArcaError } from '../../src/core/errors/index.ts';
import { systemClock } from '../../src/platform/system-clock.ts';
import {
  AGENT_API_VERSION,
  AGENT_PATHS,
  parseGoalState,
  parseRegistrationResponse,
  POINT_METADATA,
  SNAPSHOT_EXTENSION,
  SNAPSHOT_EXTENSION_VERSION,
  type GoalState,
  type SnapshotTaskGoal,
  type StatusReport,
  type TaskStatusReport,
} from '../../src/protocol/index.ts';
import { backupImages } from '../../src/storage/backup/image-backup.ts';
import { LocalFsBlobStore } from '../../src/storage/blob/local-fs-blob-store.ts';
import { RetryingBlobStore } from '../../src/storage/blob/retrying-blob-store.ts';
import { Repository } from '../../src/storage/repository/repository.ts';
import { ChunkWorkerPool } from '../../src/storage/workers/worker-pool.ts';
import { openVaultChannel, type VaultChannel } from '../../src/extensions/vmsnapshot/vault-repository-over-https.ts';
import { httpsRequest, type HttpsResponse } from './https-client.ts';

/**
 * An in-process stand-in for the agent and its snapshot extension, for tests only: it speaks the
 * agent protocol over real HTTPS (register, goal state, status report) and does a snapshot task
 * with real files — each disk image is cloned (FICLONE where the file system offers it, a copy
 * otherwise) into a snapshot folder, then written into the vault's repository with `backupImages`
 * through the upload channel (ADR 5), as the real extension does: derived keys fetched for the
 * open task, objects over HTTPS with the Agent token. A `restore` task clones the point's snapshot
 * back over each disk after a safety copy of it, as the extension does for OriginalLocation. `repository()` opens the repository folder
 * in the server's data directory, as only the vault itself could, for tests' checks only.
 */
export interface TestAgentOptions {
  readonly url: string;
  readonly ca: string;
  /** The server's data directory, for tests' checks of the vault's repository (`repository()`). */
  readonly serverDataDir: string;
  /** The VM's vmId. */
  readonly machineId: string;
  /** The VM's disks as image files on this "machine", by the VM's disk names. */
  readonly disks: readonly { readonly name: string; readonly path: string }[];
  /** Where snapshot folders are made. */
  readonly workDir: string;
  readonly version?: string;
}

/** How far one run goes with a task, to let tests catch the job at each step. */
export type StopAfter = 'pickup' | 'snapshot-started' | 'snapshot-taken';

export interface RunOptions {
  /** Poll the goal state until it holds an open task (bounded by `timeoutMs`). */
  readonly waitForTask?: boolean;
  readonly timeoutMs?: number;
  readonly stopAfter?: StopAfter;
  /** Report the task failed with this catalog code instead of doing it. */
  readonly failWith?: { readonly code: string; readonly params?: Record<string, string | number> };
}

export interface RunResult {
  readonly goal: GoalState;
  readonly done: readonly { readonly taskId: string; readonly manifestId: string }[];
  readonly removedSnapshots: readonly string[];
}

interface LocalTask {
  snapshots?: { disk: string; path: string }[];
}

export class TestAgent {
  readonly options: TestAgentOptions;
  readonly token: string;
  readonly vmResourceId: string;
  readonly #local = new Map<string, LocalTask>();
  #applied = 0;
  #repository: Promise<{ repo: Repository; pool: ChunkWorkerPool }> | undefined;
  #channel: Promise<{ channel: VaultChannel; pool: ChunkWorkerPool }> | undefined;

  private constructor(options: TestAgentOptions, token: string, vmResourceId: string) {
    this.options = options;
    this.token = token;
    this.vmResourceId = vmResourceId;
  }

  /** Registers with a one-time registration token, reporting Ready and the disks' paths and sizes. */
  static async register(options: TestAgentOptions, registrationToken: string): Promise<TestAgent> {
    const disks = await Promise.all(options.disks.map(async (disk) => ({ ...disk, sizeBytes: (await stat(disk.path)).size })));
    const body = { registrationToken, machineId: options.machineId, agent: { status: 'Ready', version: options.version ?? '1.0.0' }, disks };
    const response = await httpsRequest('POST', `${options.url}${AGENT_PATHS.register}?api-version=${AGENT_API_VERSION}`, options.ca, {}, body);
    if (response.status !== 200) throw new Error(`registration failed: ${response.status} ${response.body}`);
    const registered = parseRegistrationResponse(response.json());
    return new TestAgent(options, registered.agentToken, registered.vmResourceId);
  }

  private request(method: string, path: string, body?: unknown): Promise<HttpsResponse> {
    return httpsRequest(method, `${this.options.url}${path}?api-version=${AGENT_API_VERSION}`, this.options.ca, { authorization: `Bearer ${this.token}` }, body);
  }

  async goalState(): Promise<GoalState> {
    const response = await this.request('GET', AGENT_PATHS.goalState(this.options.machineId));
    if (response.status !== 200) throw new Error(`goal state: ${response.status} ${response.body}`);
    return parseGoalState(response.json());
  }

  /** A status report: Ready, the snapshot extension enabled, and the given task reports. */
  async report(tasks: readonly TaskStatusReport[] = []): Promise<HttpsResponse> {
    const report: StatusReport = {
      goalStateIncarnation: this.#applied,
      agent: { status: 'Ready', version: this.options.version ?? '1.0.0' },
      extensions: [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState: 'Enabled', status: { status: 'success', code: 0, message: 'Enabled' } }],
      tasks,
    };
    const response = await this.request('PUT', AGENT_PATHS.status(this.options.machineId), report);
    if (response.status !== 200) throw new Error(`status report: ${response.status} ${response.body}`);
    return response;
  }

  private openTasks(goal: GoalState): SnapshotTaskGoal[] {
    return goal.extensions.filter((e) => e.name === SNAPSHOT_EXTENSION).flatMap((e) => e.settings.tasks.filter((t) => t.state !== 'cancelled'));
  }

  /** Pulls the goal state (waiting for a task if asked), removes deleted points' files, does each open task as far as asked, and reports. */
  async runOnce(options: RunOptions = {}): Promise<RunResult> {
    let goal = await this.goalState();
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    while (options.waitForTask && this.openTasks(goal).length === 0) {
      if (Date.now() > deadline) throw new Error('no task arrived in the goal state');
      await new Promise((resolve) => setTimeout(resolve, 20));
      goal = await this.goalState();
    }
    const removedSnapshots: string[] = [];
    for (const point of goal.deletedInstantPoints) {
      for (const snapshot of point.snapshots) {
        await rm(snapshot.path, { force: true });
        removedSnapshots.push(snapshot.path);
      }
    }
    for (const task of goal.extensions.flatMap((e) => e.settings.tasks).filter((t) => t.state === 'cancelled')) {
      // Called off: stop, thaw, and drop whatever snapshot was taken.
      if (this.#local.delete(task.taskId)) await rm(this.snapshotFolder(task), { recursive: true, force: true });
    }
    this.#applied = goal.incarnation;
    const done: { taskId: string; manifestId: string }[] = [];
    for (const task of this.openTasks(goal)) {
      const manifestId = await this.runTask(task, options);
      if (manifestId !== undefined) done.push({ taskId: task.taskId, manifestId });
    }
    if (done.length === 0) await this.report();
    return { goal, done, removedSnapshots };
  }

  snapshotFolder(task: { pointName: string }): string {
    return join(this.options.workDir, 'snapshots', task.pointName);
  }

  private async runTask(task: SnapshotTaskGoal, options: RunOptions): Promise<string | undefined> {
    if (options.stopAfter === 'pickup') return undefined;
    if (task.kind === 'restore') {
      await this.restore(task, options);
      return undefined;
    }
    if (options.failWith) {
      await this.report([{ taskId: task.taskId, status: 'error', phase: 'snapshot', error: { code: options.failWith.code, params: options.failWith.params ?? {} } }]);
      return undefined;
    }
    const local = this.#local.get(task.taskId) ?? {};
    this.#local.set(task.taskId, local);
    if (local.snapshots === undefined) {
      await this.report([{ taskId: task.taskId, status: 'transitioning', phase: 'snapshot', progress: 0 }]);
      if (options.stopAfter === 'snapshot-started') return undefined;
      local.snapshots = await this.snapshot(task);
      await this.report([{ taskId: task.taskId, status: 'transitioning', phase: 'transfer', progress: 0, result: { consistency: 'FileSystemConsistent', snapshots: local.snapshots } }]);
      if (options.stopAfter === 'snapshot-taken') return undefined;
    }
    let manifest;
    try {
      const { channel, pool } = await this.uploadChannel();
      ({ manifest } = await backupImages(channel.repo, {
        paths: local.snapshots.map((s) => s.path),
        pool,
        metadata: { [POINT_METADATA.taskId]: task.taskId, [POINT_METADATA.machineId]: this.options.machineId },
      }));
    } catch (error) {
      // The vault closed the channel: the task was called off (cancelled, timed out) meanwhile.
      if (!(isArcaError(error) && error.code === 'UploadChannelNoOpenTask')) throw error;
      this.#local.delete(task.taskId);
      return undefined;
    }
    await this.report([
      { taskId: task.taskId, status: 'success', phase: 'transfer', progress: 100, result: { manifestId: manifest.id, bytesRead: manifest.stats.bytesRead, bytesNew: manifest.stats.bytesNew } },
    ]);
    this.#local.delete(task.taskId);
    return manifest.id;
  }

  /**
   * A `restore` task (OriginalLocation from the instant tier), as the extension does it: a safety
   * copy of each disk as it is now, then the point's snapshot cloned back over the disk.
   */
  private async restore(task: SnapshotTaskGoal, options: RunOptions): Promise<void> {
    if (options.failWith) {
      await this.report([{ taskId: task.taskId, status: 'error', error: { code: options.failWith.code, params: options.failWith.params ?? {} } }]);
      return;
    }
    await this.report([{ taskId: task.taskId, status: 'transitioning', progress: 10 }]);
    const restored = [];
    for (const disk of task.disks) {
      if (disk.path === undefined) throw new Error(`restore task ${task.taskId} names disk ${disk.name} without its path`);
      const safetyPath = join(this.options.workDir, 'safety', task.taskId, `${disk.name}.img`);
      await mkdir(dirname(safetyPath), { recursive: true });
      await copyFile(disk.path, safetyPath, constants.COPYFILE_FICLONE);
      await copyFile(join(this.snapshotFolder(task), `${disk.name}.img`), disk.path, constants.COPYFILE_FICLONE);
      restored.push({ disk: disk.name, path: disk.path, safetyPath, bytesWritten: (await stat(disk.path)).size });
    }
    await this.report([{ taskId: task.taskId, status: 'success', progress: 100, result: { restored } }]);
  }

  /** Clones every disk of the task into the point's snapshot folder (copy-on-write where possible). */
  private async snapshot(task: SnapshotTaskGoal): Promise<{ disk: string; path: string }[]> {
    const folder = this.snapshotFolder(task);
    await mkdir(folder, { recursive: true });
    const snapshots: { disk: string; path: string }[] = [];
    for (const disk of task.disks) {
      const source = disk.path ?? this.options.disks.find((d) => d.name.toLowerCase() === disk.name.toLowerCase())?.path;
      if (source === undefined) throw new Error(`no image for disk ${disk.name}`);
      const target = join(folder, `${disk.name}.img`);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(source, target, constants.COPYFILE_FICLONE);
      snapshots.push({ disk: disk.name, path: target });
    }
    return snapshots;
  }

  /** The upload channel, opened at the first transfer (its keys are given only while a task is open). */
  private uploadChannel(): Promise<{ channel: VaultChannel; pool: ChunkWorkerPool }> {
    this.#channel ??= (async () => {
      const { url, ca, machineId } = this.options;
      const channel = await openVaultChannel({ url, ca, token: this.token, machineId });
      return { channel, pool: new ChunkWorkerPool(channel.repo.keys, channel.repo.config.zstdLevel, 2) };
    })();
    this.#channel.catch(() => (this.#channel = undefined));
    return this.#channel;
  }

  /** The vault's repository, opened through the server's data directory: the vault's view, for tests' checks only. */
  repository(): Promise<{ repo: Repository; pool: ChunkWorkerPool }> {
    this.#repository ??= (async () => {
      const dir = this.options.serverDataDir;
      const passphrase = (await readFile(join(dir, 'repository-passphrase'), 'utf8')).trim();
      const repo = await Repository.open(new RetryingBlobStore(new LocalFsBlobStore(join(dir, 'repository'))), { passphrase, clock: systemClock });
      return { repo, pool: new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, 2) };
    })();
    return this.#repository;
  }

  async close(): Promise<void> {
    if (this.#repository) await (await this.#repository).pool.close();
    const channel = await this.#channel?.catch(() => undefined);
    if (channel) {
      await channel.pool.close();
      channel.channel.close();
    }
  }
}

import { opendir, stat } from 'node:fs/promises';
import type { Clock } from '../../core/clock.ts';
import { ArcaError } from '../../core/errors/index.ts';
import type { Consistency } from '../../core/states/index.ts';
import type { SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import type { VmSnapshotConfig } from './config.ts';
import { devicesOfDisk } from './disk-devices.ts';
import type { Freezer } from './freezer.ts';
import { checkFreeSpace, checkSizes, diskFacts, waitForLoad, type LoadProbe } from './machine-checks.ts';
import { eligibleMounts, type Mount } from './mountinfo.ts';
import { ensurePointFolder, snapshotPath } from './restore-points.ts';
import { runScript, type ScriptResult } from './script-runner.ts';
import { planSnapshot, type SnapshotPlan, type SnapshotProvider, type TaskDisk } from './snapshot-provider.ts';

export interface SnapshotDeps {
  readonly clock: Clock;
  readonly config: VmSnapshotConfig;
  readonly freezer: Freezer;
  readonly providers: readonly SnapshotProvider[];
  readonly loadProbe: LoadProbe;
  readonly readMounts: () => Promise<readonly Mount[]>;
  readonly machine: { readonly id: string; readonly name: string };
  /** Disk paths by name, for task disks that carry none (the machine's registered disks). */
  readonly diskPaths?: Readonly<Record<string, string>>;
  readonly logDir: string;
  readonly report: (report: TaskStatusReport) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface TakenSnapshot {
  readonly consistency: Consistency;
  readonly consistencyReason?: string;
  readonly snapshots: readonly { readonly disk: string; readonly path: string }[];
  /** How long the file systems stayed frozen, in milliseconds. */
  readonly frozenMs: number;
  readonly frozenMounts: readonly string[];
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ArcaError('OperationCancelled', { reason: 'the vault called the task off' });
}

function resolveDisks(task: SnapshotTaskGoal, deps: SnapshotDeps): TaskDisk[] {
  return task.disks.map((disk) => {
    const path = disk.path ?? deps.diskPaths?.[disk.name];
    if (path === undefined) throw new ArcaError('UserErrorUnableToOpenMount', { vmName: deps.machine.name, mountPoint: `disk ${disk.name} (no path on this machine)` });
    return { name: disk.name, path };
  });
}

/** Local mounts living on the task's disks, minus those configured out or holding snapshot folders. */
async function mountsToFreeze(disks: readonly TaskDisk[], plans: readonly SnapshotPlan[], targets: readonly string[], deps: SnapshotDeps): Promise<Mount[]> {
  if (plans.some((plan) => !plan.copyOnWrite)) return []; // nothing to gain: the live read comes after the thaw
  const { eligible, skipped } = eligibleMounts(await deps.readMounts(), deps.config.excludeMounts);
  const devices = new Set<string>();
  for (const disk of disks) for (const device of await devicesOfDisk(disk.path)) devices.add(device);
  for (const { mount, reason } of skipped) if (devices.has(mount.device)) deps.log?.(`not freezing ${mount.mountPoint}: ${reason}`);
  return eligible.filter((mount) => devices.has(mount.device) && !targets.some((t) => t === mount.mountPoint || t.startsWith(`${mount.mountPoint}/`)));
}

async function checkMountsOpen(mounts: readonly Mount[], vmName: string): Promise<void> {
  for (const mount of mounts) {
    try {
      await (await opendir(mount.mountPoint)).close();
    } catch (cause) {
      throw new ArcaError('UserErrorUnableToOpenMount', { vmName, mountPoint: mount.mountPoint }, { cause });
    }
  }
}

function decideConsistency(plans: readonly SnapshotPlan[], frozen: readonly Mount[], expired: boolean, scripts: { pre?: ScriptResult; post?: ScriptResult }, freezeTimeoutSeconds: number): { consistency: Consistency; consistencyReason?: string } {
  const live = plans.filter((plan) => !plan.copyOnWrite);
  if (live.length > 0) return { consistency: 'CrashConsistent', consistencyReason: `the disks are read live: ${live.map((p) => p.reason).join('; ')}` };
  if (frozen.length === 0) return { consistency: 'CrashConsistent', consistencyReason: 'no file system on the disks is mounted on this machine, so none could be frozen' };
  if (expired) return { consistency: 'CrashConsistent', consistencyReason: `the freeze outlasted its ${freezeTimeoutSeconds} s limit and the watchdog thawed before the snapshots were done` };
  const { pre, post } = scripts;
  if (pre?.ok && post?.ok) return { consistency: 'ApplicationConsistent' };
  if (pre === undefined && post === undefined) return { consistency: 'FileSystemConsistent' };
  const failed = [pre && !pre.ok ? `pre-script: ${pre.reason}` : '', post && !post.ok ? `post-script: ${post.reason}` : ''].filter(Boolean).join('; ');
  return { consistency: 'FileSystemConsistent', consistencyReason: failed ? `a script failed and the configuration lets the snapshot go on (${failed})` : 'only one of the pre-script and post-script is configured' };
}

/**
 * The snapshot phase: checks (disks open, sizes, free space, load) → pre-script → freeze the
 * mounts on the disks → one copy-on-write snapshot per disk → thaw → post-script. The freeze
 * covers only the clones; a post-script runs whenever its pre-script did.
 */
export async function takeSnapshot(task: SnapshotTaskGoal, deps: SnapshotDeps): Promise<TakenSnapshot> {
  const vmName = deps.machine.name;
  const { config } = deps;
  await deps.report({ taskId: task.taskId, status: 'transitioning', phase: 'snapshot', progress: 0 });
  const disks = resolveDisks(task, deps);
  checkSizes(vmName, await Promise.all(disks.map((disk) => diskFacts(disk, vmName))));
  const targets: string[] = [];
  const plans: SnapshotPlan[] = [];
  for (const disk of disks) {
    const isFile = (await stat(disk.path)).isFile();
    const target = isFile ? await ensurePointFolder(disk.path, task.collectionId, task.pointName) : '';
    if (isFile) targets.push(target);
    plans.push(await planSnapshot(disk, target, deps.providers));
  }
  const cowFolders = plans.flatMap((plan, i) => (plan.copyOnWrite ? [targets[i] ?? ''] : []));
  await checkFreeSpace(vmName, cowFolders.filter(Boolean), config.minFreePercent);
  await waitForLoad(deps.loadProbe, { vmName, timeoutMs: config.loadTimeoutSeconds * 1000, clock: deps.clock, thresholds: { cpuPercent: config.cpuThresholdPercent, memoryPercent: config.memoryThresholdPercent }, onDelayed: (s) => deps.log?.(`snapshot delayed: CPU ${s.cpuPercent} %, memory ${s.memoryPercent} %`) });
  checkCancelled(deps.signal);
  const context = { taskId: task.taskId, vmName };
  // Whatever a provider sets up here is taken down by its `release` (snapshot-task.ts), also on failure.
  for (const plan of plans) if (plan.copyOnWrite) await plan.provider.prepare?.(plan.disk, context);
  const devicesToResume = plans.flatMap((plan) => (plan.copyOnWrite ? (plan.provider.devicesToResume?.(plan.disk) ?? []) : []));
  await deps.report({ taskId: task.taskId, status: 'transitioning', phase: 'snapshot', progress: 10 });

  const scriptOptions = { vmName, logDir: deps.logDir, ...(deps.signal ? { signal: deps.signal } : {}) };
  const scripts: { pre?: ScriptResult; post?: ScriptResult } = {};
  if (config.preScript) scripts.pre = await runScript('pre', config.preScript, scriptOptions);
  const snapshots: { disk: string; path: string }[] = [];
  let frozenMounts: readonly Mount[] = [];
  let expired = false;
  let frozenMs = 0;
  try {
    checkCancelled(deps.signal);
    const mounts = await mountsToFreeze(disks, plans, targets, deps);
    await checkMountsOpen(mounts, vmName);
    const frozen = await deps.freezer.freeze(mounts, { timeoutMs: config.freezeTimeoutSeconds * 1000, vmName, ...(devicesToResume.length > 0 ? { devicesToResume } : {}) });
    const started = deps.clock.now().getTime();
    try {
      for (const plan of plans) {
        const target = plan.copyOnWrite ? snapshotPath(plan.disk.path, task.collectionId, task.pointName, plan.disk.name) : plan.disk.path;
        snapshots.push({ disk: plan.disk.name, path: await plan.provider.snapshot(plan.disk, target, context) });
      }
    } finally {
      expired = frozen.thawedByWatchdog();
      await frozen.thaw();
      frozenMs = deps.clock.now().getTime() - started;
      frozenMounts = frozen.mounts;
    }
  } finally {
    if (config.postScript && scripts.pre !== undefined) scripts.post = await runScript('post', config.postScript, scriptOptions);
  }
  if (config.postScript && !config.preScript) scripts.post = await runScript('post', config.postScript, scriptOptions);
  return { ...decideConsistency(plans, frozenMounts, expired, scripts, config.freezeTimeoutSeconds), snapshots, frozenMs, frozenMounts: frozenMounts.map((m) => m.mountPoint) };
}

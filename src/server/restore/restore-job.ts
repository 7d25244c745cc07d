import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { resourceName, parseResourceId } from '../../core/ids/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import { restoreImage } from '../../storage/restore/image-restore.ts';
import { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import type { EngineLog, JobContext, JobHandler } from '../jobs/index.ts';
import type { RestoredDiskReport } from '../../protocol/index.ts';
import { isRunSignal } from '../jobs/job-signals.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { getStorageAccount } from '../resources/index.ts';
import type { VaultRepository } from '../vault-repository.ts';
import { diskFileName, restoreContainerName, restoreLocation } from './restore-paths.ts';
import { readPlan, type RestorePlan } from './restore-plan.ts';
import { restoreOnMachine, type RestoreAgentDeps } from './restore-on-machine.ts';
import { ProgressReporter } from './restore-progress.ts';
import { createRestoredVm, swapDisks, type RestoredDisk } from './restore-targets.ts';

export interface RestoreJobDeps {
  readonly store: MetadataStore;
  readonly dataDir: string;
  /** The vault's repository, which holds the vault tier of every recovery point. */
  readonly repository: VaultRepository;
  /** Chunk workers per restore (default: up to 4). */
  readonly workers?: number;
  readonly log?: EngineLog;
  /** The machines' agents, which restore instant points over their own disks (OriginalLocation). */
  readonly agents?: RestoreAgentDeps;
}

const JOB_TYPES = { RestoreDisks: 'Recover disks', OriginalLocation: 'Restore to original location', AlternateLocation: 'Restore to alternate location' } as const;

/** Where each disk of the plan goes, in the job's own container of the storage account. */
function targetsOf(deps: RestoreJobDeps, plan: RestorePlan, container: string): (RestoredDisk & { shown: string })[] {
  return plan.disks.map((disk) => ({ disk, ...restoreLocation(deps.dataDir, plan.storageAccount.name, container, diskFileName(disk.name)) }));
}

/** A resumed job whose transfer had completed keeps the files it wrote, if they are all still there. */
async function alreadyTransferred(context: JobContext, targets: readonly RestoredDisk[]): Promise<boolean> {
  const [first] = context.job().properties.extendedInfo.tasksList;
  if (context.attempt <= 1 || first?.status !== 'Completed') return false;
  const sizes = await Promise.all(targets.map((t) => stat(t.path).then((s) => s.size, () => -1)));
  return sizes.every((size, i) => size === targets[i]?.disk.sizeBytes);
}

/** Task "Transfer data from vault": each disk from the repository into its file, sparse where the disk was zeros. */
async function transfer(deps: RestoreJobDeps, context: JobContext, plan: RestorePlan, targets: readonly RestoredDisk[]): Promise<void> {
  const account = await getStorageAccount(deps.store, plan.storageAccount.id);
  if (!account) throw new ArcaError('ResourceNotFound', { resourceId: plan.storageAccount.id });
  if (account.data.properties.statusOfPrimary !== 'available') throw new ArcaError('UserErrorStorageAccountOffline', { storageAccount: account.data.name });
  await context.progress(0);
  const { repo } = deps.repository;
  const pool = new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, deps.workers ?? Math.min(4, availableParallelism()));
  const abort = new AbortController();
  const reporter = new ProgressReporter(context, abort);
  const total = Math.max(1, targets.reduce((sum, t) => sum + t.disk.sizeBytes, 0));
  let done = 0;
  try {
    for (const { disk, path } of targets) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await restoreImage(repo, {
        pointId: plan.manifestId,
        disk: disk.index,
        to: path,
        pool,
        // The container is this job's own: a file there is this job's from an interrupted attempt.
        force: true,
        signal: AbortSignal.any([context.signal, abort.signal]),
        onProgress: (p) => reporter.report(((done + p.bytesDone) / total) * 100),
      }).catch(async (error: unknown) => {
        await reporter.settle();
        throw error;
      });
      done += disk.sizeBytes;
      await reporter.settle();
    }
  } finally {
    await pool.close();
  }
}

/** What Azure shows of a restore job: its type, the point, the storage account and the files written. */
async function describe(deps: RestoreJobDeps, context: JobContext, plan: RestorePlan, container: string, targets: readonly (RestoredDisk & { shown: string })[]): Promise<void> {
  const configName = `config-${plan.vmName}-${context.jobName}.json`.toLowerCase();
  const config = restoreLocation(deps.dataDir, plan.storageAccount.name, container, configName);
  const vmConfig = {
    vmName: plan.vmName,
    vmSize: plan.vmSize,
    osType: plan.osType,
    location: plan.location,
    recoveryPoint: { id: plan.pointId, time: plan.pointTime },
    disks: targets.map(({ disk, shown }) => ({ name: disk.name, ...(disk.lun === undefined ? {} : { lun: disk.lun }), sizeBytes: disk.sizeBytes, encryption: disk.encryption.type, file: shown })),
  };
  await writeFileAtomic(config.path, `${JSON.stringify(vmConfig, null, 2)}\n`, 0o600);
  const properties: [string, string][] = [
    ['Job Type', JOB_TYPES[plan.recoveryType]],
    ['Recovery point time', plan.pointTime],
    ['Target Storage Account Name', plan.storageAccount.name],
    ['Config Blob Container Name', container],
    ['Config Blob Name', configName],
    ['Config Blob Uri', config.shown],
    ['Restored disks', targets.map((t) => t.shown).join(', ')],
  ];
  for (const [name, value] of properties) await context.setProperty(name, value);
}

/** What a vault-tier write-back did: bytes and chunks written against those the disks already held. */
function writeBackProperties(restored: readonly RestoredDiskReport[]): [string, string][] {
  const sum = (pick: (r: RestoredDiskReport) => number | undefined) => String(restored.reduce((total, r) => total + (pick(r) ?? 0), 0));
  return [
    ['Bytes written', sum((r) => r.bytesWritten)],
    ['Bytes unchanged (not written)', sum((r) => r.bytesUnchanged)],
    ['Chunks written', sum((r) => r.chunksWritten)],
    ['Chunks unchanged (not written)', sum((r) => r.chunksUnchanged)],
    ['Chunks written per disk', restored.map((r) => `${r.disk}: ${r.chunksWritten ?? 0} of ${(r.chunksWritten ?? 0) + (r.chunksUnchanged ?? 0)}`).join(', ')],
  ];
}

/** OriginalLocation by the machine's agent (instant snapshot, or the vault tier's changed chunks); the tasks show its progress. */
async function runOnMachine(deps: RestoreJobDeps, context: JobContext, plan: RestorePlan): Promise<void> {
  if (!deps.agents) throw new ArcaError('ArcaInternalError', { operation: `restoring ${plan.vmName} on the machine`, reference: 'this server runs restores without the agents' });
  const task = await restoreOnMachine(deps.store, deps.agents, context, plan);
  await context.nextTask();
  const restored = task.result?.restored ?? [];
  const fromVault = plan.instant === undefined;
  const properties: [string, string][] = [
    ['Job Type', JOB_TYPES.OriginalLocation],
    ['Recovery point time', plan.pointTime],
    ['Restored from', fromVault ? "Vault tier, changed chunks written by the machine's agent" : 'Instant snapshot on the machine'],
    ['Target VM Name', plan.vmName],
    ['Restored disks', restored.map((r) => r.path).join(', ')],
    ['Safety point (disks before the restore)', restored.map((r) => r.safetyPath).join(', ')],
    ...(fromVault ? writeBackProperties(restored) : []),
  ];
  for (const [name, value] of properties) await context.setProperty(name, value);
  await context.nextTask();
}

async function run(deps: RestoreJobDeps, context: JobContext): Promise<void> {
  const plan = readPlan(context.payload);
  if (plan.recoveryType === 'OriginalLocation' && (plan.instant !== undefined || plan.agentVault !== undefined)) return runOnMachine(deps, context, plan);
  const container = restoreContainerName(context.jobName);
  const targets = targetsOf(deps, plan, container);
  if (!(await alreadyTransferred(context, targets))) await transfer(deps, context, plan, targets);
  await context.nextTask();
  await describe(deps, context, plan, container, targets);
  if (plan.recoveryType === 'AlternateLocation') {
    const vmId = await createRestoredVm(deps.store, plan, targets);
    await context.setProperty('Target resource group', parseResourceId(vmId).resourceGroup ?? '');
    await context.setProperty('Target VM Name', resourceName(parseResourceId(vmId)));
  }
  if (plan.recoveryType === 'OriginalLocation') {
    const replaced = await swapDisks(deps.store, plan, targets);
    await context.setProperty('Target VM Name', plan.vmName);
    if (replaced.length > 0) await context.setProperty('Previous disk files (kept)', replaced.join(', '));
  }
  await context.nextTask();
}

/**
 * The `Restore` job: "Transfer data from vault" writes the disks of the recovery point's repository
 * copy into the target storage account's folder, then "Create restored disks" records them (job
 * properties and a configuration file, as Azure's "Config Blob") and, per recovery type, creates the
 * new machine or points the original machine at them. Restores are not cancellable (the engine's
 * cancel rules) and run beside backups of the same item. Failures the catalog does not know become
 * RestoreFailedInternalError, their cause logged.
 */
export function restoreJobHandler(deps: RestoreJobDeps): JobHandler {
  return async (context) => {
    try {
      await run(deps, context);
    } catch (error) {
      if (isArcaError(error) || isRunSignal(error) || context.signal.aborted) throw error;
      deps.log?.error({ err: error, job: context.jobName }, 'restore failed unexpectedly');
      const vmName = (context.payload as { vmName?: unknown } | null)?.vmName;
      throw new ArcaError('RestoreFailedInternalError', { vmName: typeof vmName === 'string' ? vmName : context.vmId }, { cause: error });
    }
  };
}

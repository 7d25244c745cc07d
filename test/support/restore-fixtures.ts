import { join } from 'node:path';
import { systemClock } from '../../src/platform/system-clock.ts';
import { createJob } from '../../src/server/jobs/index.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { saveRecoveryPoint, type RecoveryPointArca } from '../../src/server/points/index.ts';
import { openVaultRepository } from '../../src/server/vault-repository.ts';
import { backupImages } from '../../src/storage/backup/image-backup.ts';
import { ChunkWorkerPool } from '../../src/storage/workers/worker-pool.ts';

/**
 * TEST-ONLY fixtures for restore tests: they make recovery points without running a backup (no
 * agent, no snapshot extension), the way the backup path would leave them. The repository point is
 * written with the storage engine into the running server's own repository (`<data-dir>/repository`,
 * passphrase in `<data-dir>/repository-passphrase`, as `arca server` created it); the recovery
 * point record is written straight into the server's SQLite store (WAL lets a second process in),
 * with the same function the backup path uses. Nothing here is reachable from `arca server`.
 */
export async function writeRepositoryPoint(dataDir: string, images: readonly string[]): Promise<{ manifestId: string; sizes: number[] }> {
  const { repo } = await openVaultRepository(dataDir, systemClock);
  const pool = new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, 2);
  try {
    const { manifest } = await backupImages(repo, { paths: images, pool, skipUnchanged: false });
    return { manifestId: manifest.id, sizes: manifest.disks.map((disk) => disk.size) };
  } finally {
    await pool.close();
  }
}

export interface PointInput {
  /** The protected item's id as the API returns it. */
  readonly itemId: string;
  readonly vaultId: string;
  readonly vmId: string;
  readonly name: string;
  readonly time: string;
  readonly manifestId?: string;
  readonly instant?: RecoveryPointArca['instant'];
  readonly disks: RecoveryPointArca['disks'];
  /** Merged into the IaasVMRecoveryPoint properties (e.g. `keyAndSecret` of an encrypted machine). */
  readonly properties?: Record<string, unknown>;
}

export class RecoveryPointSeeder {
  readonly #store: SqliteMetadataStore;

  constructor(dataDir: string) {
    this.#store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
  }

  async point(input: PointInput): Promise<string> {
    const id = `${input.itemId}/recoveryPoints/${input.name}`;
    const arca: RecoveryPointArca = {
      vaultId: input.vaultId,
      itemId: input.itemId,
      vmId: input.vmId,
      time: input.time,
      consistency: 'FileSystemConsistent',
      ...(input.manifestId ? { manifestId: input.manifestId } : {}),
      ...(input.instant ? { instant: input.instant } : {}),
      disks: input.disks,
      jobName: `fixture-${input.name}`,
    };
    const properties = {
      objectType: 'IaasVMRecoveryPoint',
      recoveryPointType: 'FileSystemConsistent',
      recoveryPointTime: input.time,
      sourceVMStorageType: 'NormalStorage',
      isSourceVMEncrypted: false,
      virtualMachineSize: 'Standard_B2s',
      osType: 'Linux',
      ...input.properties,
    };
    await saveRecoveryPoint(this.#store, { id, name: input.name, type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints', properties, arca }, 0);
    return id;
  }

  /**
   * A Backup job of the item that stays InProgress: its queue entry is ready only in an hour, so
   * no engine runs it meanwhile. It holds the item as a running backup does. Returns its name.
   */
  async heldBackupJob(input: { vaultId: string; itemId: string; vmId: string; vmName: string }): Promise<string> {
    const now = new Date();
    const job = await createJob(this.#store, { ...input, friendlyName: input.vmName, operation: 'Backup', isUserTriggered: true, now, payload: {}, readyAt: new Date(now.getTime() + 3_600_000) });
    return job.data.name;
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

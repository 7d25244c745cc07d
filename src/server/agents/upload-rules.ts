import { LAYOUT } from '../../storage/repository/layout.ts';

/** What a call through the upload channel does to the repository. */
export const UPLOAD_OPERATIONS = ['read', 'inspect', 'list', 'write', 'delete'] as const;
export type UploadOperation = (typeof UPLOAD_OPERATIONS)[number];

/** What the channel knows about a call besides its key. */
export interface UploadCall {
  readonly operation: UploadOperation;
  /** The key, or for list the prefix. */
  readonly key: string;
  /** The object was written through the channel by the calling machine during its open task. */
  readonly ownedByCaller: boolean;
  /** A write asked not to replace an object (If-None-Match: *). */
  readonly ifNotExists: boolean;
}

/**
 * The least privilege a machine's snapshot extension needs for a backup (ADR 5); answers why a
 * call is refused, or undefined when it is allowed.
 */
export interface UploadRules {
  refusal(call: UploadCall): string | undefined;
  /** True when an allowed write must not replace an object even though the caller did not ask so. */
  mustNotReplace?(call: UploadCall): boolean;
}

const PACK = /^data\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const INDEX = /^index\/[0-9a-f]{64}$/;
const POINT = /^points\/\d{8}-\d{6}-[0-9a-f]{8}$/;
const INFLIGHT = /^inflight\/\d{8}-\d{6}-[0-9a-f]{8}$/;

/** Prefixes a backup reads: the config, index files (dedup), points (unchanged disks), prune marks. Never keys/ nor packs. */
const READABLE = [LAYOUT.index, LAYOUT.points, LAYOUT.prune];
/** Prefixes a backup lists: pack names (which packs exist, for the index), index files, points, prune marks. */
const LISTABLE = [LAYOUT.data, LAYOUT.index, LAYOUT.points, LAYOUT.prune];

function newObject(key: string, call: UploadCall): string | undefined {
  if (!call.ifNotExists) return 'a backup adds objects and never replaces one, so the write must be if-not-exists';
  const pack = PACK.exec(key);
  if (key.startsWith(LAYOUT.data)) return pack && pack[1] === pack[2]?.slice(0, 2) ? undefined : 'it is not the name of a pack';
  if (key.startsWith(LAYOUT.index)) return INDEX.test(key) ? undefined : 'it is not the name of an index file';
  return POINT.test(key) ? undefined : 'it is not the name of a recovery point';
}

function write(call: UploadCall): string | undefined {
  const { key } = call;
  if (key.startsWith(LAYOUT.inflight)) return INFLIGHT.test(key) ? undefined : 'it is not the name of an in-flight marker';
  if (key.startsWith(LAYOUT.data) || key.startsWith(LAYOUT.index) || key.startsWith(LAYOUT.points)) return newObject(key, call);
  return 'a backup writes only packs, index files, recovery points and its in-flight marker';
}

/**
 * A backup's rules: add packs, index files and points (never replacing anything); write and refresh
 * its own in-flight marker (the route makes the first write if-not-exists, so no one else's is
 * replaced); delete only its own marker and the per-pack index files it merged; read the config,
 * index files, points and prune marks, and its own marker; list packs' names but never read a pack,
 * and never touch key files or locks.
 */
export const BACKUP_UPLOAD_RULES: UploadRules = {
  refusal(call) {
    const { key, operation } = call;
    if (key.startsWith(LAYOUT.keys)) return 'key files never leave the vault';
    switch (operation) {
      case 'read':
      case 'inspect':
        if (key === LAYOUT.config || READABLE.some((prefix) => key.startsWith(prefix))) return undefined;
        if (key.startsWith(LAYOUT.inflight) && call.ownedByCaller) return undefined;
        if (key.startsWith(LAYOUT.data)) return 'packs are not readable through the upload channel';
        return 'a backup reads only the config, index files, recovery points, prune marks and its own in-flight marker';
      case 'list':
        return LISTABLE.some((prefix) => key.startsWith(prefix)) ? undefined : 'a backup lists only packs, index files, recovery points and prune marks';
      case 'write':
        return write(call);
      case 'delete':
        if ((key.startsWith(LAYOUT.inflight) || key.startsWith(LAYOUT.index)) && call.ownedByCaller) return undefined;
        return 'a backup deletes only its own in-flight marker and the index files it wrote';
    }
  },
  // A machine's first write of a marker must not replace anyone's; its own it may refresh.
  mustNotReplace: (call) => !call.ownedByCaller,
};

/**
 * Which objects each machine wrote through the channel during its open task: its in-flight marker
 * (refreshed, then deleted) and its index files (the per-pack ones are deleted once merged). Kept in
 * memory and forgotten when the machine has no open task; after a vault restart a running backup
 * cannot refresh or delete what it wrote before (ADR 5: the marker then goes stale and prune clears it).
 */
export class UploadLedger {
  readonly #owned = new Map<string, Set<string>>();

  owns(machineId: string, key: string): boolean {
    return this.#owned.get(machineId.toLowerCase())?.has(key) ?? false;
  }

  /** Remembers objects a machine may later replace or delete: markers and index files, not packs or points. */
  wrote(machineId: string, key: string): void {
    if (!(key.startsWith(LAYOUT.inflight) || key.startsWith(LAYOUT.index))) return;
    const id = machineId.toLowerCase();
    const keys = this.#owned.get(id) ?? new Set<string>();
    keys.add(key);
    this.#owned.set(id, keys);
  }

  deleted(machineId: string, key: string): void {
    this.#owned.get(machineId.toLowerCase())?.delete(key);
  }

  forget(machineId: string): void {
    this.#owned.delete(machineId.toLowerCase());
  }
}

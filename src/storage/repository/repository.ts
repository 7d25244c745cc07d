import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { AuthenticationError, open, roleAad, seal } from '../crypto/aead.ts';
import { deriveKeys, newMasterKey, type RepositoryKeys } from '../crypto/keys.ts';
import { compress, decompress } from '../compression.ts';
import { newConfig, SUPPORTED_VERSIONS, type RepositoryConfig } from './config.ts';
import { isKeyFile, unwrapMasterKey, wrapMasterKey, type KeyFile } from './key-file.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from './passphrase-kdf.ts';
import { hex, keyFileKey, keyRemovalKey, LAYOUT, nameOf } from './layout.ts';

export interface InitOptions {
  readonly passphrase: string;
  readonly clock: Clock;
  readonly scrypt?: ScryptParams;
  readonly config?: Partial<Pick<RepositoryConfig, 'imageChunkSize' | 'packTargetSize' | 'zstdLevel'>>;
}

/** A removal's note older than this is taken as left by a removal that was killed. */
const KEY_REMOVAL_STALE_MS = 60 * 60_000;

const json = { encode: (v: unknown) => new TextEncoder().encode(JSON.stringify(v)), decode: (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as unknown };

/**
 * An open repository: its store, its settings and the keys that open everything in it. Metadata
 * objects (config, indexes, manifests) are zstd-compressed and sealed with their own key as
 * associated data, so one cannot be passed off as another.
 */
export class Repository {
  readonly store: BlobStore;
  readonly config: RepositoryConfig;
  readonly keys: RepositoryKeys;
  readonly clock: Clock;
  /** The key file that opened this repository (after init: the first one). */
  keyId = '';
  /** Absent in a repository opened from derived keys (fromKeys): it cannot add key files. */
  readonly #master: Uint8Array | undefined;

  private constructor(store: BlobStore, config: RepositoryConfig, master: Uint8Array | undefined, clock: Clock, keys?: RepositoryKeys) {
    this.store = store;
    this.config = config;
    this.#master = master;
    this.keys = keys ?? deriveKeys(master as Uint8Array);
    this.clock = clock;
  }

  static async init(store: BlobStore, options: InitOptions): Promise<Repository> {
    if (await store.stat(LAYOUT.config)) throw new ArcaError('RepositoryAlreadyExists', { location: store.location });
    const now = options.clock.now();
    const master = newMasterKey();
    const config = newConfig(hex(randomBytes(16)), now, options.config);
    const repo = new Repository(store, config, master, options.clock);
    repo.keyId = await repo.addKey(options.passphrase, options.scrypt);
    // The config goes last: until it exists, the folder is not a repository and init can be rerun.
    try {
      await store.put(LAYOUT.config, repo.sealObject(LAYOUT.config, config), { ifNotExists: true });
    } catch (error) {
      // Another init won the race: take back the key file, which opens nothing there.
      await store.delete(keyFileKey(repo.keyId)).catch(() => undefined);
      if (isArcaError(error) && error.code === 'RepositoryBlobExists') throw new ArcaError('RepositoryAlreadyExists', { location: store.location }, { cause: error });
      throw error;
    }
    return repo;
  }

  static async open(store: BlobStore, options: { passphrase: string; clock: Clock }): Promise<Repository> {
    const sealedConfig = await store.get(LAYOUT.config).catch((error: unknown) => {
      if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') throw new ArcaError('RepositoryNotFound', { location: store.location });
      throw error;
    });
    // Key files that are not ours to read (junk, or left by a losing concurrent init) are skipped.
    let opensNothing: unknown;
    for await (const info of store.list(LAYOUT.keys)) {
      let file: unknown;
      try {
        file = json.decode(await store.get(info.key));
      } catch {
        continue;
      }
      if (!isKeyFile(file)) continue;
      const master = await unwrapMasterKey(file, options.passphrase);
      if (!master) continue;
      const keys = deriveKeys(master);
      let config: RepositoryConfig;
      try {
        config = openObject(keys, LAYOUT.config, sealedConfig) as RepositoryConfig;
      } catch (error) {
        opensNothing = error;
        continue;
      }
      if (!SUPPORTED_VERSIONS.includes(config.version)) {
        throw new ArcaError('RepositoryVersionUnsupported', { location: store.location, version: config.version, supported: SUPPORTED_VERSIONS.join(', ') });
      }
      const repo = new Repository(store, config, master, options.clock);
      repo.keyId = nameOf(info.key);
      return repo;
    }
    if (opensNothing) throw opensNothing;
    throw new ArcaError('RepositoryWrongPassphrase', { location: store.location });
  }

  /**
   * Opens a repository with keys derived from its master key, without the passphrase or the master
   * key itself: what the vault hands a machine's snapshot extension for one backup (ADR 5). The keys
   * seal and open data and metadata, but cannot add or change key files. The config is read from
   * the store and must open with the keys, so keys of another repository are refused.
   */
  static async fromKeys(store: BlobStore, options: { keys: RepositoryKeys; clock: Clock }): Promise<Repository> {
    const sealedConfig = await store.get(LAYOUT.config).catch((error: unknown) => {
      if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') throw new ArcaError('RepositoryNotFound', { location: store.location });
      throw error;
    });
    // Keys of another repository fail here with RepositoryMetadataCorrupt (the config does not authenticate).
    const config = openObject(options.keys, LAYOUT.config, sealedConfig) as RepositoryConfig;
    if (!SUPPORTED_VERSIONS.includes(config.version)) {
      throw new ArcaError('RepositoryVersionUnsupported', { location: store.location, version: config.version, supported: SUPPORTED_VERSIONS.join(', ') });
    }
    return new Repository(store, config, undefined, options.clock, options.keys);
  }

  /** Adds a key file for another passphrase; returns its id. Data is not rewritten. */
  async addKey(passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
    if (this.#master === undefined) {
      throw new ArcaError('UserErrorInvalidArgument', { name: 'passphrase', reason: 'a repository opened from derived keys has no master key to wrap' });
    }
    const file = await wrapMasterKey(this.#master, passphrase, this.clock.now(), params);
    const id = hex(randomBytes(8));
    await this.store.put(keyFileKey(id), json.encode(file), { ifNotExists: true });
    return id;
  }

  async listKeys(): Promise<{ id: string; created: string }[]> {
    const out: { id: string; created: string }[] = [];
    for await (const info of this.store.list(LAYOUT.keys)) {
      let bytes: Uint8Array;
      try {
        bytes = await this.store.get(info.key);
      } catch (error) {
        // Removed between list and get by a concurrent `key remove`.
        if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') continue;
        throw error;
      }
      const file = json.decode(bytes) as KeyFile;
      out.push({ id: nameOf(info.key), created: file.created });
    }
    return out;
  }

  /**
   * Removes a key file, refusing to remove the last one (that would lock everyone out), also when
   * several removals race. Each removal first notes itself in `keys-removing/<id>` (an atomic put),
   * then lists keys and notes again, and deletes its key only when some key is neither gone nor
   * being removed. Of racing removals, the one that noted itself last sees every other note, so at
   * least one key always stays; racing removals may all refuse, and can be run again. The note goes
   * after the key file. A noted key never counts as staying, however old its note: a removal paused
   * for long, or one judged by a clock far off, may still delete its key. A note older than an hour
   * whose key file is gone was left by a killed removal, and is deleted.
   */
  async removeKey(id: string): Promise<void> {
    const keys = await this.listKeys();
    if (!keys.some((k) => k.id === id)) throw new ArcaError('RepositoryBlobNotFound', { key: keyFileKey(id) });
    if (keys.length <= 1) throw new ArcaError('UserErrorInvalidArgument', { name: 'key', reason: 'it is the only key of the repository' });
    await this.#clearLeftNotes();
    try {
      await this.store.put(keyRemovalKey(id), new Uint8Array(), { ifNotExists: true });
    } catch (error) {
      if (isArcaError(error) && error.code === 'RepositoryBlobExists') throw new ArcaError('RepositoryKeyRemovalConflict', { key: id, removing: id }, { cause: error });
      throw error;
    }
    try {
      const removing = await this.#removals();
      const staying = (await this.listKeys()).filter((k) => !removing.has(k.id));
      if (staying.length === 0) throw new ArcaError('RepositoryKeyRemovalConflict', { key: id, removing: [...removing].filter((r) => r !== id).join(', ') });
      await this.store.delete(keyFileKey(id));
    } finally {
      await this.store.delete(keyRemovalKey(id));
    }
  }

  /** Every key noted as being removed, whatever the age of its note. */
  async #removals(): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const info of this.store.list(LAYOUT.keyRemovals)) out.add(nameOf(info.key));
    return out;
  }

  /**
   * Deletes the notes older than an hour whose key file is gone. The keys are listed after the
   * notes: a note is put only while its key file exists, and key ids are never reused, so a key
   * missing from the later listing is gone for good and its note no longer protects anything.
   */
  async #clearLeftNotes(): Promise<void> {
    const since = this.clock.now().getTime() - KEY_REMOVAL_STALE_MS;
    const old: string[] = [];
    for await (const info of this.store.list(LAYOUT.keyRemovals)) if (info.modified !== undefined && info.modified.getTime() <= since) old.push(nameOf(info.key));
    if (old.length === 0) return;
    const present = new Set((await this.listKeys()).map((k) => k.id));
    for (const keyId of old) if (!present.has(keyId)) await this.store.delete(keyRemovalKey(keyId));
  }

  sealObject(key: string, value: unknown): Uint8Array {
    return sealObject(this.keys, key, value);
  }

  openObject(key: string, sealed: Uint8Array): unknown {
    return openObject(this.keys, key, sealed);
  }

  sealBytes(key: string, plain: Uint8Array): Uint8Array {
    return sealBytes(this.keys, key, plain);
  }

  openBytes(key: string, sealed: Uint8Array): Uint8Array {
    return openBytes(this.keys, key, sealed);
  }

  async saveObject(key: string, value: unknown, ifNotExists = true): Promise<void> {
    await this.store.put(key, this.sealObject(key, value), { ifNotExists });
  }

  async loadObject(key: string): Promise<unknown> {
    return this.openObject(key, await this.store.get(key));
  }
}

function sealBytes(keys: RepositoryKeys, key: string, plain: Uint8Array): Uint8Array {
  const packed = compress(plain) ?? plain;
  const body = new Uint8Array(5 + packed.length);
  body[0] = packed === plain ? 0 : 1;
  new DataView(body.buffer).setUint32(1, plain.length, true);
  body.set(packed, 5);
  return seal(keys.data, body, roleAad('object', key));
}

function openBytes(keys: RepositoryKeys, key: string, sealed: Uint8Array): Uint8Array {
  try {
    const body = open(keys.data, sealed, roleAad('object', key));
    const rawLength = new DataView(body.buffer, body.byteOffset, 5).getUint32(1, true);
    return body[0] === 1 ? decompress(body.subarray(5), rawLength) : body.subarray(5);
  } catch (error) {
    const detail = error instanceof AuthenticationError ? 'it fails authentication (altered, or written by another repository)' : (error as Error).message;
    throw new ArcaError('RepositoryMetadataCorrupt', { key, detail }, { cause: error });
  }
}

function sealObject(keys: RepositoryKeys, key: string, value: unknown): Uint8Array {
  return sealBytes(keys, key, json.encode(value));
}

function openObject(keys: RepositoryKeys, key: string, sealed: Uint8Array): unknown {
  const plain = openBytes(keys, key, sealed);
  try {
    return json.decode(plain);
  } catch (error) {
    throw new ArcaError('RepositoryMetadataCorrupt', { key, detail: 'it is not valid JSON' }, { cause: error });
  }
}

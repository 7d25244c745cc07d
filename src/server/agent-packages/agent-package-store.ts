import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import { compareAgentVersions, isAgentVersion, newestAgentVersion } from '../../core/versions/agent-version.ts';
import { checkAgentPackage, packageFileName, requireAgentVersion, sha256Of } from '../../platform/agent-package.ts';
import { ensurePrivateDir, writeFileAtomic } from '../../platform/files.ts';

export interface AgentPackageInfo {
  readonly version: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly published: string;
}

export interface AgentPackageStoreOptions {
  /** `<data-dir>/agent-packages`. */
  readonly dir: string;
  /** The vault's own version: its package is always offered, built from the vault's installation on first need. */
  readonly ownVersion: string;
  readonly buildOwn: () => Promise<{ version: string; archive: Uint8Array }>;
}

const FILE = /^arca-agent-(.+)\.tar\.gz$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The agent packages a vault offers (ADR 7), as files: `arca-agent-<version>.tar.gz` beside its
 * SHA-256 in `….sha256`. A package is checked when it is published and never changes after; the
 * checksum file is written last, so a package without one is not (yet) offered.
 */
export class AgentPackageStore {
  readonly #options: AgentPackageStoreOptions;
  #own: Promise<void> | undefined;
  /** Publications one at a time, so that two uploads of one version cannot both pass the "not yet published" check. */
  #publishing: Promise<unknown> = Promise.resolve();

  constructor(options: AgentPackageStoreOptions) {
    this.#options = options;
  }

  #path(version: string): string {
    return join(this.#options.dir, packageFileName(requireAgentVersion(version)));
  }

  /** Builds and keeps the vault's own package once, unless one of that version was published already. */
  async ensureOwn(): Promise<void> {
    this.#own ??= (async () => {
      if (await this.info(this.#options.ownVersion)) return;
      const built = await this.#options.buildOwn();
      // The vault's own package passes the same checks as a published one: a broken build is never offered.
      checkAgentPackage(built.archive, this.#options.ownVersion);
      await this.#write(this.#options.ownVersion, built.archive);
    })().catch((error: unknown) => {
      this.#own = undefined;
      throw error;
    });
    return this.#own;
  }

  /** A stored package; one whose checksum file is not a SHA-256 or whose archive is empty (a torn or tampered write) is not offered. */
  async info(version: string): Promise<AgentPackageInfo | undefined> {
    const path = this.#path(version);
    try {
      const [text, info] = await Promise.all([readFile(`${path}.sha256`, 'utf8'), stat(path)]);
      const sha256 = text.trim();
      if (!SHA256.test(sha256) || info.size === 0 || !info.isFile()) return undefined;
      return { version, sha256, sizeBytes: info.size, published: info.mtime.toISOString() };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async #stored(): Promise<AgentPackageInfo[]> {
    const names = await readdir(this.#options.dir).catch(() => [] as string[]);
    const versions = names.map((name) => FILE.exec(name)?.[1]).filter((v): v is string => v !== undefined && isAgentVersion(v));
    const found = await Promise.all(versions.map((v) => this.info(v)));
    return found.filter((p): p is AgentPackageInfo => p !== undefined).toSorted((a, b) => compareAgentVersions(b.version, a.version));
  }

  /** Every package, newest first, the vault's own included. */
  async list(): Promise<AgentPackageInfo[]> {
    await this.ensureOwn();
    return this.#stored();
  }

  /** A package by version; the vault's own is built on first need. */
  async find(version: string): Promise<AgentPackageInfo | undefined> {
    if (version === this.#options.ownVersion) await this.ensureOwn();
    return this.info(version);
  }

  /**
   * The package to offer an agent that reported `reported`: the newest, when it is newer. The
   * vault's own package is built only when it is the one offered, not for every goal state.
   */
  async offerFor(reported: string): Promise<AgentPackageInfo | undefined> {
    const stored = await this.#stored();
    const newest = newestAgentVersion([this.#options.ownVersion, ...stored.map((p) => p.version)]);
    if (newest === undefined || compareAgentVersions(newest, reported) <= 0) return undefined;
    return stored.find((p) => p.version === newest) ?? this.find(newest);
  }

  async read(version: string): Promise<Buffer> {
    const info = await this.find(version);
    if (!info) throw new ArcaError('AgentPackageNotFound', { version });
    return readFile(this.#path(version));
  }

  /** Checks and keeps a package; the same bytes again are accepted as they are, other bytes under a published version are refused. */
  async publish(version: string, archive: Uint8Array): Promise<{ info: AgentPackageInfo; created: boolean }> {
    checkAgentPackage(archive, version);
    const done = this.#publishing.then(() => this.#publishChecked(version, archive));
    this.#publishing = done.catch(() => undefined);
    return done;
  }

  async #publishChecked(version: string, archive: Uint8Array): Promise<{ info: AgentPackageInfo; created: boolean }> {
    await this.ensureOwn();
    const existing = await this.info(version);
    if (existing) {
      if (existing.sha256 !== sha256Of(archive)) throw new ArcaError('AgentPackageVersionConflict', { version, existing: existing.sha256 });
      return { info: existing, created: false };
    }
    await this.#write(version, archive);
    return { info: (await this.info(version)) as AgentPackageInfo, created: true };
  }

  /** The archive, then its checksum: each written whole and flushed, so a package is offered only once both are on disk. */
  async #write(version: string, archive: Uint8Array): Promise<void> {
    await ensurePrivateDir(this.#options.dir);
    const path = this.#path(version);
    await writeFileAtomic(path, archive, 0o600);
    await writeFileAtomic(`${path}.sha256`, `${sha256Of(archive)}\n`, 0o600);
  }
}

import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { compareAgentVersions, isAgentVersion } from '../../core/versions/agent-version.ts';
import { AGENT_PACKAGE_LIMITS, checkAgentPackage, dependencyDifference, installedDependencies, sha256Of, unpackAgentPackage } from '../../platform/agent-package.ts';
import type { AgentUpdateOffer, GoalState } from '../../protocol/index.ts';
import { errorFields, type AgentLog } from '../daemon/agent-log.ts';
import { installedVersions, readUpdateState, versionDir, versionsDir } from './update-state.ts';
import { STAGING_PREFIX } from './version-cleanup.ts';

export interface AgentUpdaterDeps {
  readonly libDir: string;
  /** The version this process runs. */
  readonly runningVersion: string;
  /** The folder this process runs from (its package.json and node_modules). */
  readonly installation: string;
  readonly download: (version: string, maxBytes: number, signal: AbortSignal) => Promise<Uint8Array>;
  readonly log: AgentLog;
  /** A monotonic reading in ms, to space out retries of a failed download. */
  readonly monotonic: () => number;
  /** How long a retryable failure waits before the same offer is tried again (default 10 min). */
  readonly retryAfterMs?: number;
}

export interface UpdateProblem {
  readonly version: string;
  readonly code: string;
  readonly message: string;
}

const DEFAULT_RETRY_MS = 10 * 60_000;

/**
 * Prepares the newer agent a goal state offers (ADR 7), for the daemon to restart into: downloads
 * it from its own vault, checks its SHA-256 against the goal state's, checks the package (safe
 * entries, its version, the same dependencies as this installation, whose node_modules it then
 * shares through a link), and unpacks it into Lib.Dir/versions/<version>, renamed into place only
 * when complete. A refused package is not fetched again (a retryable failure: not before
 * `retryAfterMs`). Only used with AutoUpdate.Enabled=y; it never stops anything itself.
 */
export class AgentUpdater {
  readonly #deps: AgentUpdaterDeps;
  /** offer key (version and sha256) → when it may be tried again (Infinity: never). */
  readonly #refused = new Map<string, number>();
  #problem: UpdateProblem | undefined;

  constructor(deps: AgentUpdaterDeps) {
    this.#deps = deps;
  }

  /** The last update that failed, for the agent's status message; cleared by a success. */
  get problem(): UpdateProblem | undefined {
    return this.#problem;
  }

  /** The newer version ready to run (installed now or before), or undefined. */
  async consider(goal: GoalState, signal: AbortSignal): Promise<string | undefined> {
    const { libDir, runningVersion, log } = this.#deps;
    const offer = goal.agentUpdate;
    if (!offer || !isAgentVersion(offer.version) || compareAgentVersions(offer.version, runningVersion) <= 0) return undefined;
    const { setAside } = await readUpdateState(libDir);
    if (setAside[offer.version] !== undefined) return undefined;
    if ((await installedVersions(libDir)).includes(offer.version)) return offer.version;
    const key = `${offer.version}/${offer.sha256}`;
    if ((this.#refused.get(key) ?? -Infinity) > this.#deps.monotonic()) return undefined;
    try {
      log.info('downloading agent update', { from: runningVersion, to: offer.version, sizeBytes: offer.sizeBytes });
      await this.#install(offer, signal);
      this.#problem = undefined;
      this.#refused.delete(key);
      log.info('agent update ready', { version: offer.version, dir: versionDir(libDir, offer.version) });
      return offer.version;
    } catch (error) {
      if (signal.aborted) return undefined;
      const retryable = isArcaError(error) ? error.retryable : true;
      this.#refused.set(key, retryable ? this.#deps.monotonic() + (this.#deps.retryAfterMs ?? DEFAULT_RETRY_MS) : Infinity);
      this.#problem = { version: offer.version, code: isArcaError(error) ? error.code : 'ArcaInternalError', message: error instanceof Error ? error.message : String(error) };
      log.error('agent update refused', { version: offer.version, retryable, ...errorFields(error) });
      return undefined;
    }
  }

  async #install(offer: AgentUpdateOffer, signal: AbortSignal): Promise<void> {
    const { libDir, installation, runningVersion } = this.#deps;
    const archive = await this.#deps.download(offer.version, Math.min(offer.sizeBytes, AGENT_PACKAGE_LIMITS.maxPackedBytes), signal);
    const actual = sha256Of(archive);
    if (actual !== offer.sha256) throw new ArcaError('AgentPackageChecksumMismatch', { version: offer.version, actual, expected: offer.sha256 });
    const checked = checkAgentPackage(archive, offer.version);
    const difference = dependencyDifference(await installedDependencies(installation), checked.dependencies);
    if (difference !== undefined) throw new ArcaError('AgentPackageDependenciesDiffer', { version: offer.version, installed: runningVersion, difference });
    await mkdir(versionsDir(libDir), { recursive: true, mode: 0o700 });
    const staging = join(versionsDir(libDir), `${STAGING_PREFIX}${offer.version}-${randomBytes(4).toString('hex')}`);
    try {
      await unpackAgentPackage(checked, staging);
      // The same dependencies: the new version runs on this installation's node_modules.
      await symlink(await realpath(join(installation, 'node_modules')), join(staging, 'node_modules'), 'dir');
      // A folder of that version that is not complete (cut short by hand) gives way to the new one.
      await rm(versionDir(libDir, offer.version), { recursive: true, force: true });
      await rename(staging, versionDir(libDir, offer.version));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

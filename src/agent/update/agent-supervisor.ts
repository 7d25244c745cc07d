import type { Clock } from '../../core/clock.ts';
import { compareAgentVersions } from '../../core/versions/agent-version.ts';
import { pause } from '../daemon/supervisor.ts';
import { errorFields, type AgentLog } from '../daemon/agent-log.ts';
import { installedVersions, readUpdateState, recordGoodVersion, setVersionAside, versionDir } from './update-state.ts';
import { pruneVersions } from './version-cleanup.ts';

/** A child agent that exits with this code asks to be replaced by the newest version in Lib.Dir (ADR 7). */
export const AGENT_RESTART_EXIT_CODE = 75;
/** Set in a child agent's environment: run the daemon itself, never another supervisor. */
export const SUPERVISED_ENV = 'ARCA_AGENT_SUPERVISED';
/** The message a supervised child sends once the vault has accepted its first status report. */
export const AGENT_READY_MESSAGE = 'arca-agent-ready';

export interface AgentTarget {
  readonly version: string;
  /** The installation folder to run: the supervisor's own, or Lib.Dir/versions/<version>. */
  readonly installation: string;
}

/** One child agent as the supervisor follows it. */
export interface ChildRun {
  /** Resolves when the child says it reported to the vault. */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  /** Asks the child to stop (SIGTERM). */
  stop(): void;
}

export interface AgentSupervisorDeps {
  readonly libDir: string;
  /** The supervisor's own version and installation: run when nothing newer is installed, never set aside. */
  readonly own: AgentTarget;
  readonly launch: (target: AgentTarget) => ChildRun;
  readonly log: AgentLog;
  readonly clock: Clock;
  /** Failed starts in a row after which a downloaded version is set aside (default 3, as waagent's). */
  readonly maxFailures?: number;
  /** A downloaded version that has not reported within this is stopped and counts a failed start (default 10 min). */
  readonly readyTimeoutMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** The newest version installed in Lib.Dir that is newer than the supervisor's own and not set aside; else its own. */
export async function chooseAgent(libDir: string, own: AgentTarget): Promise<AgentTarget> {
  const newest = (await installedVersions(libDir))[0];
  return newest !== undefined && compareAgentVersions(newest, own.version) > 0 ? { version: newest, installation: versionDir(libDir, newest) } : own;
}

type Outcome = { readonly kind: 'restart' } | { readonly kind: 'stopped' } | { readonly kind: 'crashed'; readonly reason: string } | { readonly kind: 'failed'; readonly reason: string };

/**
 * Before a child starts, no download can be under way: Lib.Dir/versions keeps only the version
 * about to run and the previous one that reported (the way back); the rest goes. A failure to
 * clean up is logged and never keeps the agent from starting.
 */
async function cleanUp(libDir: string, target: AgentTarget, log: AgentLog): Promise<void> {
  try {
    const previous = (await readUpdateState(libDir)).good.find((version) => version !== target.version);
    const removed = await pruneVersions(libDir, [target.version, ...(previous === undefined ? [] : [previous])]);
    if (removed.length > 0) log.info('old agent versions removed', { removed, kept: target.version, previous });
  } catch (error) {
    log.warn('old agent versions not removed', errorFields(error));
  }
}

async function follow(child: ChildRun, target: AgentTarget, own: boolean, readyTimeoutMs: number, signal: AbortSignal, onReady: () => Promise<void>): Promise<Outcome> {
  let ready = false;
  let timedOut = false;
  let recorded = Promise.resolve();
  void child.ready.then(() => {
    ready = true;
    recorded = onReady();
  }, () => undefined);
  const onAbort = () => child.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  // Only a downloaded version can be judged by its silence: the installed one may just have no vault to talk to.
  const timer = own ? undefined : setTimeout(() => {
    if (ready) return;
    timedOut = true;
    child.stop();
  }, readyTimeoutMs);
  try {
    const exit = await child.exited;
    await recorded;
    if (signal.aborted) return { kind: 'stopped' };
    if (exit.code === AGENT_RESTART_EXIT_CODE) return { kind: 'restart' };
    const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
    if (timedOut) return { kind: 'failed', reason: `no status report within ${Math.round(readyTimeoutMs / 1000)} s` };
    return ready ? { kind: 'crashed', reason: `${target.version} ${how}` } : { kind: 'failed', reason: `${how} before its first status report` };
  } finally {
    if (timer) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * `arca agent run` with AutoUpdate.Enabled=y (ADR 7), as waagent's daemon: a small, stable parent
 * that runs the newest good agent as a child process — a version the agent downloaded into
 * Lib.Dir/versions, or its own installation. A child that exits with AGENT_RESTART_EXIT_CODE has
 * an update ready: the choice is made again at once. A downloaded version that fails to start or
 * to report `maxFailures` times in a row is set aside (update-state.json), and the next newest —
 * in the end the supervisor's own — runs instead. Other exits restart the child with a backoff.
 * Aborting `signal` (SIGTERM) stops the child and returns once it has exited.
 */
export async function superviseAgent(signal: AbortSignal, deps: AgentSupervisorDeps): Promise<void> {
  const { log, libDir, own } = deps;
  const maxFailures = deps.maxFailures ?? 3;
  const backoff = deps.backoff ?? { initialMs: 1000, maxMs: 60_000 };
  const failures = new Map<string, number>();
  let wait = backoff.initialMs;
  while (!signal.aborted) {
    const target = await chooseAgent(libDir, own);
    const isOwn = target.version === own.version && target.installation === own.installation;
    await cleanUp(libDir, target, log);
    log.info('supervisor starts the agent', { version: target.version, installation: target.installation });
    const onReady = () => recordGoodVersion(libDir, target.version).catch((error: unknown) => log.warn('agent version not recorded as good', { version: target.version, ...errorFields(error) }));
    const outcome = await follow(deps.launch(target), target, isOwn, deps.readyTimeoutMs ?? 10 * 60_000, signal, onReady);
    if (outcome.kind === 'stopped') return;
    if (outcome.kind === 'restart') {
      failures.delete(target.version);
      wait = backoff.initialMs;
      continue;
    }
    if (outcome.kind === 'crashed') {
      failures.delete(target.version);
      log.warn('supervisor restarts the agent after it ended', { version: target.version, reason: outcome.reason, retryInMs: backoff.initialMs });
      wait = backoff.initialMs;
    } else {
      const count = (failures.get(target.version) ?? 0) + 1;
      failures.set(target.version, count);
      log.error('agent version failed to start', { version: target.version, failures: count, reason: outcome.reason });
      if (!isOwn && count >= maxFailures) {
        await setVersionAside(libDir, target.version, { at: deps.clock.now().toISOString(), failures: count, reason: outcome.reason });
        const fallback = await chooseAgent(libDir, own);
        log.error('agent version set aside', { code: 'AgentVersionSetAside', version: target.version, failures: count, reason: outcome.reason, fallback: fallback.version });
        failures.delete(target.version);
        wait = backoff.initialMs;
        continue;
      }
    }
    await pause(wait, signal);
    wait = Math.min(wait * 2, backoff.maxMs);
  }
}

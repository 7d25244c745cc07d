import type { Clock } from '../../core/clock.ts';
import { isArcaError } from '../../core/errors/index.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

/** The agent's log: one JSON object per line (time, level, msg, fields), for journald and log shippers. */
export interface AgentLog {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function jsonLog(write: (line: string) => void, clock: Clock, options: { verbose: boolean; base?: LogFields }): AgentLog {
  const emit = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    if (level === 'debug' && !options.verbose) return;
    write(`${JSON.stringify({ time: clock.now().toISOString(), level, msg, ...options.base, ...fields })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** An error as log fields: its catalog code when it has one, its message, and its cause's. */
export function errorFields(error: unknown): LogFields {
  const cause = (error as { cause?: unknown }).cause;
  return {
    ...(isArcaError(error) ? { code: error.code } : {}),
    error: error instanceof Error ? error.message : String(error),
    ...(cause instanceof Error ? { cause: cause.message } : {}),
  };
}

interface Repeating {
  readonly first: number;
  lastLogged: number;
  count: number;
  suppressed: number;
}

/**
 * Keeps the same failure from filling the log: the first occurrence is logged in full; repeats are
 * counted and summed up once per `everyMs`; when the failure clears, one line says so with the
 * count. A failure is "the same" when its key (loop and catalog code) is.
 */
export class RepeatFilter {
  readonly #log: AgentLog;
  readonly #clock: Clock;
  readonly #everyMs: number;
  readonly #failing = new Map<string, Repeating>();

  constructor(log: AgentLog, clock: Clock, everyMs = 5 * 60_000) {
    this.#log = log;
    this.#clock = clock;
    this.#everyMs = everyMs;
  }

  failure(key: string, msg: string, error: unknown, fields: LogFields = {}): void {
    const now = this.#clock.now().getTime();
    const seen = this.#failing.get(key);
    if (!seen) {
      this.#failing.set(key, { first: now, lastLogged: now, count: 1, suppressed: 0 });
      this.#log.error(msg, { ...fields, ...errorFields(error) });
      return;
    }
    seen.count += 1;
    if (now - seen.lastLogged >= this.#everyMs) {
      this.#log.error(`${msg} (still failing)`, { ...fields, ...errorFields(error), failures: seen.count, suppressed: seen.suppressed, since: new Date(seen.first).toISOString() });
      seen.lastLogged = now;
      seen.suppressed = 0;
    } else {
      seen.suppressed += 1;
    }
  }

  /** Clears every failure whose key starts with `prefix`, logging once that it recovered. */
  recovered(prefix: string, msg: string): void {
    for (const [key, seen] of this.#failing) {
      if (!key.startsWith(prefix)) continue;
      this.#failing.delete(key);
      this.#log.info(msg, { failure: key, failures: seen.count, since: new Date(seen.first).toISOString() });
    }
  }

  isFailing(prefix: string): boolean {
    return [...this.#failing.keys()].some((key) => key.startsWith(prefix));
  }
}

import { join } from 'node:path';

/** Where one handler keeps its files (see README.md). */
export interface HandlerPaths {
  readonly dir: string;
  readonly manifest: string;
  readonly state: string;
  readonly configDir: string;
  readonly statusDir: string;
  readonly stateDir: string;
  readonly heartbeat: string;
  readonly logDir: string;
}

export function handlerPaths(dir: string): HandlerPaths {
  return {
    dir,
    manifest: join(dir, 'HandlerManifest.json'),
    state: join(dir, 'state.json'),
    configDir: join(dir, 'config'),
    statusDir: join(dir, 'status'),
    stateDir: join(dir, 'data'),
    heartbeat: join(dir, 'heartbeat.json'),
    logDir: join(dir, 'logs'),
  };
}

/**
 * The environment a handler's command runs with: where to read its settings and write its status.
 * An extension may also take these as command-line options (`arca extension vmsnapshot --help`).
 */
export const HANDLER_ENV = {
  sequence: 'ARCA_EXT_SEQUENCE',
  configDir: 'ARCA_EXT_CONFIG_DIR',
  statusDir: 'ARCA_EXT_STATUS_DIR',
  stateDir: 'ARCA_EXT_STATE_DIR',
  heartbeat: 'ARCA_EXT_HEARTBEAT_FILE',
  logDir: 'ARCA_EXT_LOG_DIR',
} as const;

export function handlerEnvironment(paths: HandlerPaths, sequence: number): Record<string, string> {
  return {
    [HANDLER_ENV.sequence]: String(sequence),
    [HANDLER_ENV.configDir]: paths.configDir,
    [HANDLER_ENV.statusDir]: paths.statusDir,
    [HANDLER_ENV.stateDir]: paths.stateDir,
    [HANDLER_ENV.heartbeat]: paths.heartbeat,
    [HANDLER_ENV.logDir]: paths.logDir,
  };
}

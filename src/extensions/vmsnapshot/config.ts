import { readFile } from 'node:fs/promises';
import { invalidArgument } from '../../core/errors/index.ts';
import { HIGH_LOAD_PERCENT } from '../../core/limits.ts';
import type { ScriptConfig } from './script-runner.ts';

/**
 * The extension's local configuration on the machine (`/etc/arca/vmsnapshot.json`, like Azure's
 * VMSnapshotScriptPluginConfig.json): what only the machine's administrator decides. Every key is
 * optional; a missing file means the defaults.
 */
export interface VmSnapshotConfig {
  readonly preScript?: ScriptConfig;
  readonly postScript?: ScriptConfig;
  /** The watchdog thaws after this long whatever happens. */
  readonly freezeTimeoutSeconds: number;
  /** Mount points (and everything under them) never frozen. */
  readonly excludeMounts: readonly string[];
  /** How long a snapshot may wait for the machine to drop below 90 % CPU and memory. */
  readonly loadTimeoutSeconds: number;
  /** Free space the snapshots' file system must keep, in percent (the seed's "keep half free"). */
  readonly minFreePercent: number;
  /** Above this CPU use, in percent, the snapshot waits (the seed's 90 %). */
  readonly cpuThresholdPercent: number;
  /** Above this memory use, in percent, the snapshot waits (the seed's 90 %). */
  readonly memoryThresholdPercent: number;
  /** Size of the sparse copy-on-write file made for each device-mapper snapshot, in MiB. */
  readonly dmCowSizeMiB: number;
  /** A spare block device to hold the copy-on-write data instead of a file. */
  readonly dmCowDevice?: string;
  /**
   * Days a safety point taken before an OriginalLocation restore is kept; the extension removes
   * older ones at the start of its next task (housekeeping.ts).
   */
  readonly safetyPointRetentionDays: number;
}

export const DEFAULT_CONFIG_PATH = '/etc/arca/vmsnapshot.json';
export const DEFAULT_CONFIG: VmSnapshotConfig = { freezeTimeoutSeconds: 30, excludeMounts: [], loadTimeoutSeconds: 600, minFreePercent: 50, cpuThresholdPercent: HIGH_LOAD_PERCENT, memoryThresholdPercent: HIGH_LOAD_PERCENT, dmCowSizeMiB: 4096, safetyPointRetentionDays: 7 };

function number(body: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const value = body[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw invalidArgument(key, `it must be a number from ${min} to ${max}`);
  return value;
}

function script(body: Record<string, unknown>, stage: 'pre' | 'post'): ScriptConfig | undefined {
  const path = body[`${stage}Script`];
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalidArgument(`${stage}Script`, 'it must be an absolute path');
  const continueOnFailure = body['continueOnScriptFailure'] ?? false;
  if (typeof continueOnFailure !== 'boolean') throw invalidArgument('continueOnScriptFailure', 'it must be true or false');
  return {
    path,
    timeoutSeconds: number(body, 'scriptTimeoutSeconds', 60, 1, 3600),
    retries: number(body, 'scriptRetries', 0, 0, 10),
    continueOnFailure,
  };
}

export function parseConfig(value: unknown): VmSnapshotConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument('vmsnapshot config', 'it must be a JSON object');
  const body = value as Record<string, unknown>;
  const exclude = body['excludeMounts'] ?? [];
  if (!Array.isArray(exclude) || !exclude.every((m) => typeof m === 'string' && m.startsWith('/'))) throw invalidArgument('excludeMounts', 'it must be a list of absolute paths');
  const pre = script(body, 'pre');
  const post = script(body, 'post');
  const cowDevice = body['dmCowDevice'];
  if (cowDevice !== undefined && (typeof cowDevice !== 'string' || !cowDevice.startsWith('/dev/'))) throw invalidArgument('dmCowDevice', 'it must be a device path under /dev/');
  return {
    ...(pre ? { preScript: pre } : {}),
    ...(post ? { postScript: post } : {}),
    ...(cowDevice ? { dmCowDevice: cowDevice } : {}),
    dmCowSizeMiB: number(body, 'dmCowSizeMiB', DEFAULT_CONFIG.dmCowSizeMiB, 16, 1_048_576),
    freezeTimeoutSeconds: number(body, 'freezeTimeoutSeconds', DEFAULT_CONFIG.freezeTimeoutSeconds, 1, 600),
    excludeMounts: exclude as string[],
    loadTimeoutSeconds: number(body, 'loadTimeoutSeconds', DEFAULT_CONFIG.loadTimeoutSeconds, 0, 86_400),
    minFreePercent: number(body, 'minFreePercent', DEFAULT_CONFIG.minFreePercent, 0, 99),
    cpuThresholdPercent: number(body, 'cpuThresholdPercent', DEFAULT_CONFIG.cpuThresholdPercent, 1, 100),
    memoryThresholdPercent: number(body, 'memoryThresholdPercent', DEFAULT_CONFIG.memoryThresholdPercent, 1, 100),
    safetyPointRetentionDays: number(body, 'safetyPointRetentionDays', DEFAULT_CONFIG.safetyPointRetentionDays, 1, 365),
  };
}

export async function readConfig(path: string): Promise<VmSnapshotConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_CONFIG;
    throw error;
  }
  return parseConfig(JSON.parse(text));
}

import { chmod, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '../../core/errors/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

/** The settings of one sequence number: what anyone may read, and what only root may (secrets). */
export interface HandlerSettings {
  readonly publicSettings: JsonObject;
  readonly protectedSettings: JsonObject;
}

const SETTINGS = /^(\d+)\.settings$/;

export function settingsPath(configDir: string, sequence: number): string {
  return join(configDir, `${sequence}.settings`);
}

/** The sequence numbers present in a folder of numbered files (`<n>.<suffix>`), in order. */
export async function sequenceNumbers(dir: string, pattern: RegExp = SETTINGS): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [Number(match[1])] : [];
  }).toSorted((a, b) => a - b);
}

/**
 * Writes the next numbered settings file (waagent's `runtimeSettings` layout) and returns its
 * number. The file holds protected settings, so it is readable by its owner only (0600) — set on
 * the temporary file before any byte is written, and again after, whatever the umask did.
 */
export async function writeNextSettings(configDir: string, settings: HandlerSettings): Promise<number> {
  const existing = await sequenceNumbers(configDir);
  const sequence = (existing.at(-1) ?? -1) + 1;
  const path = settingsPath(configDir, sequence);
  const body = { runtimeSettings: [{ handlerSettings: { publicSettings: settings.publicSettings, protectedSettings: settings.protectedSettings } }] };
  await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`, 0o600);
  await chmod(path, 0o600);
  return sequence;
}

function objectAt(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(where, 'it must be a JSON object');
  return value as JsonObject;
}

export async function readSettings(configDir: string, sequence: number): Promise<HandlerSettings> {
  const path = settingsPath(configDir, sequence);
  const body = objectAt(JSON.parse(await readFile(path, 'utf8')), path);
  const runtime = body['runtimeSettings'];
  if (!Array.isArray(runtime) || runtime.length !== 1) throw invalidArgument(`${path}: runtimeSettings`, 'it must hold exactly one entry');
  const handler = objectAt(objectAt(runtime[0], `${path}: runtimeSettings[0]`)['handlerSettings'], `${path}: handlerSettings`);
  return {
    publicSettings: objectAt(handler['publicSettings'] ?? {}, `${path}: publicSettings`),
    protectedSettings: objectAt(handler['protectedSettings'] ?? {}, `${path}: protectedSettings`),
  };
}

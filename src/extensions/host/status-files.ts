import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { EXTENSION_STATUSES, extensionStatusMachine, isMember, transition, type ExtensionStatus } from '../../core/states/index.ts';
import type { TaskStatusReport } from '../../protocol/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import { sequenceNumbers } from './settings-files.ts';

/**
 * What an extension says about one sequence number (waagent's `<n>.status`, one entry): its
 * status with a code (0 when all is well, else a catalog numeric code) and a message, and for a
 * task the report the agent passes on to the vault.
 */
export interface ExtensionStatusEntry {
  readonly operation: string;
  readonly status: ExtensionStatus;
  readonly code: number;
  readonly message: string;
  readonly task?: TaskStatusReport;
}

interface StatusFileBody {
  readonly version: 1;
  readonly timestampUTC: string;
  readonly status: {
    readonly name: string;
    readonly operation: string;
    readonly status: ExtensionStatus;
    readonly code: number;
    readonly formattedMessage: { readonly lang: string; readonly message: string };
    readonly task?: TaskStatusReport;
  };
}

const STATUS = /^(\d+)\.status$/;

export function statusPath(statusDir: string, sequence: number): string {
  return join(statusDir, `${sequence}.status`);
}

function parseStatusFile(text: string, path: string): ExtensionStatusEntry & { readonly timestamp: string } {
  const parsed = JSON.parse(text) as unknown;
  const entry = Array.isArray(parsed) ? (parsed[0] as Partial<StatusFileBody> | undefined) : undefined;
  const status = entry?.status;
  if (!entry || !status || typeof status.status !== 'string' || !isMember(EXTENSION_STATUSES, status.status) || typeof status.code !== 'number') {
    throw new Error(`${path} is not a status file (one entry with status and code)`);
  }
  return {
    operation: String(status.operation ?? ''),
    status: status.status,
    code: status.code,
    message: String(status.formattedMessage?.message ?? ''),
    ...(status.task === undefined ? {} : { task: status.task }),
    timestamp: String(entry.timestampUTC ?? ''),
  };
}

/** The status of a sequence number, or undefined while the extension has written none. */
export async function readStatus(statusDir: string, sequence: number): Promise<(ExtensionStatusEntry & { readonly timestamp: string }) | undefined> {
  const path = statusPath(statusDir, sequence);
  try {
    return parseStatusFile(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function latestStatusSequence(statusDir: string): Promise<number | undefined> {
  return (await sequenceNumbers(statusDir, STATUS)).at(-1);
}

/**
 * Writes the status of a sequence number through the extension-status machine: `transitioning`
 * may be written again and again, a settled status (success, warning, error) never changes.
 */
export async function writeStatus(statusDir: string, sequence: number, entry: ExtensionStatusEntry, clock: Clock, name = ''): Promise<void> {
  const previous = await readStatus(statusDir, sequence);
  if (previous && !(previous.status === 'transitioning' && entry.status === 'transitioning')) {
    transition(extensionStatusMachine, previous.status, entry.status, `Status ${sequence} of ${name || 'the extension'}`);
  }
  const body: StatusFileBody[] = [
    {
      version: 1,
      timestampUTC: clock.now().toISOString(),
      status: {
        name,
        operation: entry.operation,
        status: entry.status,
        code: entry.code,
        formattedMessage: { lang: 'en-US', message: entry.message },
        ...(entry.task === undefined ? {} : { task: entry.task }),
      },
    },
  ];
  await writeFileAtomic(statusPath(statusDir, sequence), `${JSON.stringify(body, null, 2)}\n`);
}

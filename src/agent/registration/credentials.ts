import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import { ensurePrivateDir, writeFileAtomic } from '../../platform/files.ts';

/** What registration leaves in Lib.Dir: who the machine is to which vault, and the Agent token. */
export interface AgentCredentials {
  readonly vaultUrl: string;
  readonly machineId: string;
  readonly vmResourceId: string;
  readonly tokenId: string;
  readonly agentToken: string;
  readonly caFingerprint?: string;
  readonly registered: string;
}

export const CREDENTIALS_FILE = 'credentials.json';
export const CA_FILE = 'ca.pem';

/** Writes the pinned CA and the credentials, readable by root only (files 0600 in a 0700 directory). */
export async function saveCredentials(libDir: string, credentials: AgentCredentials, caPem: string | undefined): Promise<void> {
  await ensurePrivateDir(libDir);
  if (caPem !== undefined) await writeFileAtomic(join(libDir, CA_FILE), caPem, 0o600);
  await writeFileAtomic(join(libDir, CREDENTIALS_FILE), `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
}

/** The stored credentials, or undefined when the machine was never registered. */
export async function findCredentials(libDir: string): Promise<AgentCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(join(libDir, CREDENTIALS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ArcaError('AgentNotRegistered', { libDir, reason: (error as Error).message }, { cause: error });
  }
  const parsed = JSON.parse(text) as Partial<AgentCredentials>;
  for (const field of ['vaultUrl', 'machineId', 'vmResourceId', 'tokenId', 'agentToken', 'registered'] as const) {
    if (typeof parsed[field] !== 'string') throw new ArcaError('AgentNotRegistered', { libDir, reason: `${CREDENTIALS_FILE} lacks ${field}` });
  }
  return parsed as AgentCredentials;
}

export async function loadCredentials(libDir: string): Promise<AgentCredentials> {
  const found = await findCredentials(libDir);
  if (!found) throw new ArcaError('AgentNotRegistered', { libDir, reason: `there is no ${CREDENTIALS_FILE}` });
  return found;
}

/** The CA to trust: Vault.CaFile when configured, else the one pinned at registration, else none (the system's CAs). */
export async function loadTrustedCa(libDir: string, caFile: string | undefined): Promise<string | undefined> {
  try {
    return await readFile(caFile ?? join(libDir, CA_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && caFile === undefined) return undefined;
    throw new ArcaError('AgentNotRegistered', { libDir, reason: `cannot read the CA file: ${(error as Error).message}` }, { cause: error });
  }
}

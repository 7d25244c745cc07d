import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/clock.ts';
import { ArcaError } from '../../core/errors/index.ts';
import type { AgentConfig } from '../config/agent-config-keys.ts';
import { machineDisks, type MachineDisk } from '../machine/disks.ts';
import { osInfo, type OsInfo } from '../machine/os-info.ts';
import { AgentProtocolClient } from '../vault/agent-protocol-client.ts';
import { fetchPinnedCa, fingerprintOf } from '../vault/ca-pinning.ts';
import { findCredentials, saveCredentials, type AgentCredentials } from './credentials.ts';

export interface RegisterRequest {
  readonly vaultUrl: string;
  readonly registrationToken: string;
  /** The VM's vmId, which the token was created for. */
  readonly machineId: string;
  /** SHA-256 of the vault's CA, handed out with the token; absent: trust Vault.CaFile or the system's CAs. */
  readonly caFingerprint?: string;
  readonly force: boolean;
}

export interface Registered {
  readonly credentials: AgentCredentials;
  readonly disks: readonly MachineDisk[];
  readonly os: OsInfo;
  readonly caPinned: boolean;
}

/**
 * Registers this machine with a vault once: refuses when already registered (unless forced), reads
 * the disks first (an unreadable disk stops registration before anything is spent), pins the
 * vault's CA by fingerprint, redeems the one-time token for the Agent token, and keeps the CA and
 * credentials in Lib.Dir, readable by root only.
 */
export async function registerMachine(config: AgentConfig, request: RegisterRequest, deps: { readonly clock: Clock; readonly version: string }): Promise<Registered> {
  const existing = await findCredentials(config.libDir).catch(() => undefined);
  if (existing && !request.force) throw new ArcaError('AgentAlreadyRegistered', { vaultUrl: existing.vaultUrl, machineId: existing.machineId, libDir: config.libDir });
  const disks = await machineDisks(config.disks);
  const os = await osInfo();
  const proxy = config.httpProxy;
  const endpoint = { url: request.vaultUrl, ...(proxy ? { proxy } : {}) };
  const ca =
    request.caFingerprint !== undefined ? await fetchPinnedCa(endpoint, request.caFingerprint) : config.vaultCaFile !== undefined ? await readFile(config.vaultCaFile, 'utf8') : undefined;
  const client = new AgentProtocolClient({ ...endpoint, ...(ca === undefined ? {} : { ca }) }, request.machineId);
  try {
    const answer = await client.register({
      registrationToken: request.registrationToken,
      machineId: request.machineId,
      agent: { status: 'Ready', version: deps.version },
      disks: disks.map(({ name, path, sizeBytes, encrypted }) => ({ name, path, sizeBytes, encrypted })),
      os: { type: 'Linux', name: os.name, kernel: os.kernel, architecture: os.architecture, ...(os.version === '' ? {} : { version: os.version }) },
    });
    const credentials: AgentCredentials = {
      vaultUrl: request.vaultUrl,
      machineId: answer.machineId,
      vmResourceId: answer.vmResourceId,
      tokenId: answer.tokenId,
      agentToken: answer.agentToken,
      ...(ca === undefined ? {} : { caFingerprint: fingerprintOf(ca) }),
      registered: deps.clock.now().toISOString(),
    };
    // A CA pinned now replaces any earlier one; without one, the file of an earlier registration stays only if the config names it.
    await saveCredentials(config.libDir, credentials, request.caFingerprint !== undefined ? ca : undefined);
    return { credentials, disks, os, caPinned: request.caFingerprint !== undefined };
  } finally {
    client.close();
  }
}

import { readFile } from 'node:fs/promises';
import { ArcaError, type Language } from '../core/errors/index.ts';
import { ArmClient } from './arm-client.ts';
import { API_VERSIONS, BackupApi, type Resource } from './backup-api.ts';

/** How `arca doctor --vm` reaches a vault without a saved context: a server, its CA file and a file holding a token. */
export interface DirectTarget {
  readonly server: string;
  readonly caFile: string;
  readonly tokenFile: string;
  readonly subscriptionId?: string;
  readonly language: Language;
}

/** A BackupApi from flags; the subscription is the caller's own (GET /arca/whoami) unless given. */
async function read(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new ArcaError('UserErrorInvalidArgument', { name: what, reason: `cannot read ${path}: ${(error as Error).message}` }, { cause: error });
  }
}

export async function directApi(target: DirectTarget): Promise<BackupApi> {
  const ca = `${await read(target.caFile, '--ca')}\n`;
  const token = await read(target.tokenFile, '--token-file');
  const connection = { server: target.server.replace(/\/+$/, ''), ca, token: async () => token, language: target.language };
  const probe = new BackupApi(new ArmClient(connection, target.subscriptionId ?? '-'));
  const subscriptionId = target.subscriptionId ?? (await probe.whoami()).subscriptionId;
  if (!subscriptionId) throw new ArcaError('UserErrorInvalidArgument', { name: '--subscription', reason: 'the server did not say which subscription this token belongs to' });
  return new BackupApi(new ArmClient(connection, subscriptionId));
}

/** The calls of the vault-side doctor that the operator API does not need. */
export function listResourceGroups(api: BackupApi): Promise<Resource[]> {
  return api.arm.list<Resource>('/resourcegroups', API_VERSIONS.resources);
}

export function listRestorePointCollections(api: BackupApi, resourceGroup: string): Promise<Resource<{ restorePoints?: { name: string }[] }>[]> {
  return api.arm.list(`/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/restorePointCollections`, API_VERSIONS.compute);
}

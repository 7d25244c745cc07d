import { createHash } from 'node:crypto';
import type { Installation } from './installation.ts';

/**
 * The object id under which the Backup service acts on key vaults, as Azure's "Backup Management
 * Service" principal. It is fixed for an installation and derived from its tenant and subscription
 * (a name-based UUID, version 5 layout), so every replica agrees on it without storing it, and two
 * installations never share one. Users grant it `get` and `list` on keys and secrets of an
 * encrypted machine's key vault; server.json and `GET /arca/backupServiceIdentity` show it.
 */
export function backupServiceObjectId(installation: Pick<Installation, 'tenantId' | 'subscriptionId'>): string {
  const digest = createHash('sha256').update(`arca-backup-service\0${installation.tenantId.toLowerCase()}\0${installation.subscriptionId.toLowerCase()}`).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import type { CatalogEntry } from '../catalog-entry.ts';
import { accessErrors } from './access.ts';
import { agentErrors } from './agent.ts';
import { agentHostErrors } from './agent-host.ts';
import { agentUpdateErrors } from './agent-update.ts';
import { apiErrors } from './api.ts';
import { cliErrors } from './cli.ts';
import { backupFlowErrors } from './backup-flow.ts';
import { doctorErrors } from './doctor.ts';
import { extensionErrors } from './extension.ts';
import { generalErrors } from './general.ts';
import { jobErrors } from './job.ts';
import { jobsEngineErrors } from './jobs-engine.ts';
import { protectionErrors } from './protection.ts';
import { repositoryOperationErrors } from './repository-operations.ts';
import { repositoryErrors } from './repository.ts';
import { resourceErrors } from './resources.ts';
import { restoreErrors } from './restore.ts';
import { snapshotErrors } from './snapshot.ts';
import { transferErrors } from './transfer.ts';
import { uploadChannelErrors } from './upload-channel.ts';
import { vaultErrors } from './vault.ts';

const byPhase = {
  ...agentErrors,
  ...extensionErrors,
  ...snapshotErrors,
  ...transferErrors,
  ...vaultErrors,
  ...protectionErrors,
  ...restoreErrors,
  ...jobErrors,
  ...jobsEngineErrors,
  ...repositoryErrors,
  ...repositoryOperationErrors,
  ...generalErrors,
  ...apiErrors,
  ...resourceErrors,
  ...accessErrors,
  ...backupFlowErrors,
  ...agentHostErrors,
  ...uploadChannelErrors,
  ...cliErrors,
  ...doctorErrors,
  ...agentUpdateErrors,
};

export type CatalogCode = keyof typeof byPhase;

/** Every entry, in catalog order (by phase, then as written). */
export const CATALOG: readonly CatalogEntry[] = Object.entries(byPhase).map(([code, body]) => ({ code, ...body }));

const byCode = new Map(CATALOG.map((entry) => [entry.code.toLowerCase(), entry]));

/** Looks a code up case-insensitively; undefined when the catalog has no such code. */
export function findEntry(code: string): CatalogEntry | undefined {
  return byCode.get(code.toLowerCase());
}

export function entryFor(code: CatalogCode): CatalogEntry {
  const entry = byCode.get(code.toLowerCase());
  if (!entry) throw new Error(`catalog has no entry for ${code}`);
  return entry;
}

/** Codes are spread from several files; a duplicate key would silently shadow, so count them. */
export const SOURCE_ENTRY_COUNT =
  Object.keys(agentErrors).length +
  Object.keys(extensionErrors).length +
  Object.keys(snapshotErrors).length +
  Object.keys(transferErrors).length +
  Object.keys(vaultErrors).length +
  Object.keys(protectionErrors).length +
  Object.keys(restoreErrors).length +
  Object.keys(jobErrors).length +
  Object.keys(jobsEngineErrors).length +
  Object.keys(repositoryErrors).length +
  Object.keys(repositoryOperationErrors).length +
  Object.keys(generalErrors).length +
  Object.keys(apiErrors).length +
  Object.keys(resourceErrors).length +
  Object.keys(accessErrors).length +
  Object.keys(backupFlowErrors).length +
  Object.keys(agentHostErrors).length +
  Object.keys(uploadChannelErrors).length +
  Object.keys(cliErrors).length +
  Object.keys(doctorErrors).length +
  Object.keys(agentUpdateErrors).length;

import { randomUUID } from 'node:crypto';
import type { MetadataStore } from '../persistence/index.ts';
import { isConflictError } from '../persistence/index.ts';

/** What makes one Arca installation itself: the ids ARM paths and tokens are issued under. */
export interface Installation {
  /** Every ARM path lives under /subscriptions/{subscriptionId}; fixed at first start. */
  readonly subscriptionId: string;
  /** The directory (tenant) that issues tokens, as Azure AD's tenant id. */
  readonly tenantId: string;
  readonly created: string;
}

const SETTINGS = 'settings';
const INSTALLATION_ID = 'installation';

/** Reads the installation's ids, creating them on the first start (two starting replicas agree on one). */
export async function loadInstallation(store: MetadataStore, now: Date): Promise<Installation> {
  const existing = await store.get<Installation>(SETTINGS, INSTALLATION_ID);
  if (existing) return existing.data;
  const data: Installation = { subscriptionId: randomUUID(), tenantId: randomUUID(), created: now.toISOString() };
  try {
    await store.put<Installation>(SETTINGS, { id: INSTALLATION_ID, data }, { expectedVersion: 0 });
    return data;
  } catch (error) {
    if (!isConflictError(error)) throw error;
    const winner = await store.get<Installation>(SETTINGS, INSTALLATION_ID);
    if (!winner) throw error;
    return winner.data;
  }
}

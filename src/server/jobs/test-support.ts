import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../core/clock.ts';
import type { JobOperation } from '../../core/states/index.ts';
import { SqliteMetadataStore, type MetadataStore, type StoredRecord } from '../persistence/index.ts';
import type { JobDocument } from './job-record.ts';
import { createJob } from './job-store.ts';

export const SUB = '11111111-2222-3333-4444-555555555555';
export const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-1`;
export const T0 = new Date('2026-11-22T10:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function itemOf(vm: string): string {
  return `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-app;${vm}/protectedItems/VM;iaasvmcontainerv2;rg-app;${vm}`;
}

export function vmOf(vm: string): string {
  return `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${vm}`;
}

/** A real SQLite store in a temp directory and a clock that moves only when told; `close` removes both. */
export async function tempStore(): Promise<{ store: MetadataStore; clock: ReturnType<typeof fixedClock>; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'arca-jobs-'));
  const store = SqliteMetadataStore.open(join(dir, 'metadata.db'));
  return {
    store,
    clock: fixedClock(T0),
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function newJob(
  store: MetadataStore,
  now: Date,
  options: { vm?: string; operation?: JobOperation; kind?: string; isUserTriggered?: boolean; payload?: unknown } = {},
): Promise<StoredRecord<JobDocument>> {
  const vm = options.vm ?? 'web-1';
  return createJob(store, {
    vaultId: VAULT,
    itemId: itemOf(vm),
    vmId: vmOf(vm),
    operation: options.operation ?? 'Backup',
    friendlyName: vm,
    isUserTriggered: options.isUserTriggered ?? true,
    now,
    payload: options.payload ?? { vm },
    ...(options.kind ? { kind: options.kind } : {}),
  });
}

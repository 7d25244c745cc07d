import { validatePolicy, type IaasVmPolicy, type RetentionPolicy, type Schedule } from '../../core/policy/index.ts';
import type { ProtectionState } from '../../core/states/index.ts';
import { saveBackupPolicy } from '../backup/policies-store.ts';
import { saveProtectedItem, type StoredProtectedItem } from '../backup/protected-items-store.ts';
import { JOBS, type JobDocument } from '../jobs/index.ts';
import { SUB, VAULT } from '../jobs/test-support.ts';
import type { MetadataStore } from '../persistence/index.ts';
import type { SchedulerLog } from './scheduler.ts';

export { MINUTE, HOUR, SUB, tempStore, VAULT } from '../jobs/test-support.ts';

export const DAY = 86_400_000;
export const DAILY_7: RetentionPolicy = { daily: { count: 7 } };

export function vmIdOf(vm: string, group = 'rg-app'): string {
  return `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${vm}`;
}

export function itemIdOf(vm: string, group = 'rg-app'): string {
  return `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;${group};${vm}/protectedItems/VM;iaasvmcontainerv2;${group};${vm}`;
}

export function policyIdOf(name: string): string {
  return `${VAULT}/backupPolicies/${name}`;
}

/** Validates and stores a policy as the policy routes would (time zones resolved to IANA names). */
export async function savePolicy(
  store: MetadataStore,
  name: string,
  schedule: Schedule,
  options: { retention?: RetentionPolicy; policyType?: IaasVmPolicy['policyType']; instantDays?: number } = {},
): Promise<string> {
  const policy = validatePolicy({
    name,
    policyType: options.policyType ?? (schedule.kind === 'Hourly' ? 'V2' : 'V1'),
    schedule,
    retention: options.retention ?? (schedule.kind === 'Weekly' ? { weekly: { daysOfTheWeek: schedule.runDays, count: 4 } } : DAILY_7),
    instantRpRetentionRangeInDays: options.instantDays ?? 2,
    timeZone: schedule.timeZone,
  });
  const existing = await store.get(`backup-policies`, policyIdOf(name).toLowerCase());
  await saveBackupPolicy(store, { id: policyIdOf(name), name, vaultId: VAULT, policy, timeZoneName: schedule.timeZone }, existing?.version ?? 0);
  return policyIdOf(name);
}

/** Stores a protected item of `vm` following `policy` (none: stopped), as protection would leave it. */
export async function protect(
  store: MetadataStore,
  vm: string,
  policy: string | undefined,
  options: { group?: string; state?: ProtectionState; createdAt?: Date; softDelete?: StoredProtectedItem['softDelete'] } = {},
): Promise<string> {
  const group = options.group ?? 'rg-app';
  const id = itemIdOf(vm, group);
  const item: StoredProtectedItem = {
    id,
    name: `VM;iaasvmcontainerv2;${group};${vm}`,
    vaultId: VAULT,
    containerName: `IaasVMContainer;iaasvmcontainerv2;${group};${vm}`,
    sourceResourceId: vmIdOf(vm, group),
    friendlyName: vm,
    protectionState: options.state ?? (policy === undefined ? 'ProtectionStopped' : 'Protected'),
    ...(policy === undefined ? {} : { policyId: policyIdOf(policy), policyName: policy, policyType: 'V1' as const }),
    protectedItemDataId: `data-${vm}`,
    createdAt: (options.createdAt ?? new Date('2020-01-01T00:00:00Z')).toISOString(),
    ...(options.softDelete ? { softDelete: options.softDelete } : {}),
  };
  const existing = await store.get('protected-items', id.toLowerCase());
  await saveProtectedItem(store, item, existing?.version ?? 0);
  return id;
}

/** Every job in the store, oldest first. */
export async function allJobs(store: MetadataStore): Promise<JobDocument[]> {
  const page = await store.list<JobDocument>(JOBS, { orderBy: { field: 'startTime' }, limit: 1000 });
  return page.records.map((record) => record.data);
}

/** A log that keeps what it was told, for assertions. */
export function memoryLog(): SchedulerLog & { readonly lines: { level: string; fields: object; message: string }[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

import { fail, pass, warn, type Check, type Finding, type Fix } from '../../../agent/doctor/check.ts';
import type { BackupApi, Resource, VaultRef } from '../../../client/backup-api.ts';
import { listResourceGroups, listRestorePointCollections } from '../../../client/doctor-api.ts';
import { ResourceApi } from '../../../client/resource-api.ts';
import { findEntry, isArcaError, type CatalogCode } from '../../../core/errors/index.ts';
import { INSTANT_RETENTION_DAYS, MAX_INSTANT_RESTORE_POINTS_PER_VM } from '../../../core/limits.ts';
import { SNAPSHOT_EXTENSION } from '../../../protocol/index.ts';
import { VAULT_TITLES } from './vault-titles.ts';

/** What every vault-side check sees: the API, the vault, the machine as the vault knows it. */
export interface VaultContext {
  readonly api: BackupApi;
  readonly vault: VaultRef;
  readonly vm: { readonly resourceGroup: string; readonly name: string; readonly resource: Resource };
  readonly now: Date;
}

type Status = { code?: string; level?: string; displayStatus?: string; message?: string; time?: string };
type InstanceView = { vmAgent?: { vmAgentVersion?: string; statuses?: Status[] }; extensions?: { name: string; type?: string; statuses?: Status[] }[]; statuses?: Status[] };

const RECENT_MS = 7 * 86_400_000;

export const vmAgentCheck: Check<VaultContext> = {
  id: 'vault.agent',
  title: VAULT_TITLES['vault.agent'],
  async run({ api, vm }) {
    const view = await api.instanceView(vm.resourceGroup, vm.name) as InstanceView;
    const params = { vmName: vm.name };
    const findings: Finding[] = [];
    const agent = view.vmAgent?.statuses?.[0];
    const seen = agent?.time ? `last report ${agent.time}` : 'never reported';
    const version = view.vmAgent?.vmAgentVersion ?? 'Unknown';
    if (agent?.displayStatus === 'Ready') findings.push(pass(`agent ${version} Ready, ${seen}`));
    else if (agent?.displayStatus === 'Not Installed') findings.push(fail({ en: `no agent has reported from ${vm.name}`, es: `ningún agente ha informado desde ${vm.name}` }, 'UserErrorGuestAgentNotInstalled', params));
    else findings.push(fail(`agent ${version} ${agent?.displayStatus ?? 'unknown'}, ${seen}${agent?.message ? `: ${agent.message}` : ''}`, 'UserErrorGuestAgentStatusUnavailable', params));
    const outdated = view.vmAgent?.statuses?.find((s) => s.code === 'UserErrorGuestAgentOutdated');
    if (outdated) findings.push(fail(outdated.message ?? `agent ${version} is out of date`, 'UserErrorGuestAgentOutdated', { ...params, version, minimumVersion: /supports (\S+) and later/.exec(outdated.message ?? '')?.[1] ?? 'the minimum' }));
    const provisioning = view.statuses?.find((s) => s.code?.startsWith('ProvisioningState/'));
    if (provisioning?.code === 'ProvisioningState/failed') findings.push(fail(`provisioning state: ${provisioning.displayStatus ?? 'failed'}`, 'UserErrorVmProvisioningStateFailed', { ...params, extensionName: '-' }));
    const power = view.statuses?.find((s) => s.code?.startsWith('PowerState/'));
    if (power && power.code !== 'PowerState/running') findings.push(warn(`power state: ${power.displayStatus ?? power.code}`, 'UserErrorVmNotInDesirableState', { ...params, state: power.displayStatus ?? String(power.code) }));
    return findings;
  },
};

/**
 * The seed's fix for a snapshot extension stuck failed: remove it, and the next backup installs it
 * afresh. Nothing of the backups is lost, so it is not destructive; other extensions are not ours to remove.
 */
function removeFailedExtensionFix(context: VaultContext, extension: string): Fix {
  return {
    description: {
      en: `remove the failed extension ${extension} from ${context.vm.name} so that the next backup reinstalls it`,
      es: `quitar la extensión con errores ${extension} de ${context.vm.name} para que la próxima copia de seguridad la vuelva a instalar`,
    },
    destructive: false,
    async apply() {
      const removed = await new ResourceApi(context.api.arm).removeExtension(context.vm.resourceGroup, context.vm.name, extension);
      const vm = context.vm.name;
      return removed
        ? { en: `removed ${extension} from ${vm}; the next backup installs it again`, es: `se quitó ${extension} de ${vm}; la próxima copia de seguridad la vuelve a instalar` }
        : { en: `${vm} no longer had ${extension}; the next backup installs it`, es: `${vm} ya no tenía ${extension}; la próxima copia de seguridad la instala` };
    },
  };
}

export const vmExtensionsCheck: Check<VaultContext> = {
  id: 'vault.extensions',
  title: VAULT_TITLES['vault.extensions'],
  async run(context) {
    const { api, vm } = context;
    const view = await api.instanceView(vm.resourceGroup, vm.name) as InstanceView;
    const extensions = view.extensions ?? [];
    if (extensions.length === 0) return pass({ en: 'no extension reported yet; the first backup installs the snapshot extension', es: 'todavía no se ha notificado ninguna extensión; la primera copia de seguridad instala la extensión de instantáneas' });
    return extensions.map((extension) => {
      const status = extension.statuses?.[0];
      if (status?.level === 'Error') {
        const fix = extension.name === SNAPSHOT_EXTENSION ? removeFailedExtensionFix(context, extension.name) : undefined;
        return fail(`${extension.name}: ${status.displayStatus ?? ''}: ${status.message ?? ''}`, 'UserErrorVmProvisioningStateFailed', { vmName: vm.name, extensionName: extension.name }, fix);
      }
      return pass(`${extension.name}: ${status?.displayStatus ?? 'no status'}`);
    });
  },
};

async function protectedItem(context: VaultContext): Promise<Resource | undefined> {
  try {
    return await context.api.getProtectedItem(context.vault, context.vm.resourceGroup, context.vm.name);
  } catch (error) {
    if (isArcaError(error) && error.httpStatus === 404) return undefined;
    throw error;
  }
}

export const protectionCheck: Check<VaultContext> = {
  id: 'vault.protection',
  title: VAULT_TITLES['vault.protection'],
  async run(context) {
    const item = await protectedItem(context);
    const params = { vmName: context.vm.name };
    if (!item) return fail({ en: `${context.vm.name} is not protected by ${context.vault.name}`, es: `${context.vm.name} no está protegida por ${context.vault.name}` }, 'UserErrorBcmDatasourceNotPresent', params);
    const state = String(item.properties['protectionState'] ?? 'unknown');
    if (state === 'Protected' || state === 'IRPending') return pass(`protection state ${state}`);
    if (state === 'ProtectionError') return warn({ en: 'protection state ProtectionError: protection is on and the last backup failed (see the recent failures)', es: 'estado de protección ProtectionError: la protección está activa y la última copia de seguridad falló (vea los errores recientes)' });
    return warn({ en: `protection state ${state}: scheduled backups do not run`, es: `estado de protección ${state}: las copias de seguridad programadas no se ejecutan` }, 'UserErrorBcmDatasourceNotPresent', params);
  },
};

/** The cleanup the seed asks for once the lock is gone: a backup, which deletes expired points first. */
function cleanupBackupFix(context: VaultContext): Fix {
  return {
    description: {
      en: `trigger a backup of ${context.vm.name} now, which removes expired restore points first`,
      es: `iniciar ahora una copia de seguridad de ${context.vm.name}, que primero elimina los puntos de restauración caducados`,
    },
    destructive: true,
    async apply() {
      await context.api.backupNow(context.vault, context.vm.resourceGroup, context.vm.name);
      return {
        en: `started a backup of ${context.vm.name}; it deletes the expired restore points before it snapshots`,
        es: `se inició una copia de seguridad de ${context.vm.name}; elimina los puntos de restauración caducados antes de tomar la instantánea`,
      };
    },
  };
}

export const restorePointsCheck: Check<VaultContext> = {
  id: 'vault.restore-points',
  title: VAULT_TITLES['vault.restore-points'],
  timeoutMs: 5000,
  async run(context) {
    const prefix = `azurebackuprg_${context.vm.name.toLowerCase()}_`;
    const groups = (await listResourceGroups(context.api)).filter((g) => g.name.toLowerCase().startsWith('azurebackuprg_'));
    let count = 0;
    const holding: string[] = [];
    const locks: string[] = [];
    for (const group of groups) {
      const collections = (await listRestorePointCollections(context.api, group.name)).filter((c) => c.name.toLowerCase().startsWith(prefix));
      if (collections.length === 0) continue;
      holding.push(group.name);
      count += collections.reduce((sum, c) => sum + (c.properties.restorePoints?.length ?? 0), 0);
      for (const lock of await context.api.listLocks(group.name)) locks.push(`${lock.name} (${String(lock.properties['level'] ?? '')}) on ${group.name}`);
    }
    if (holding.length === 0) return pass({ en: 'no restore point collection yet', es: 'todavía no hay ninguna colección de puntos de restauración' });
    const limit = MAX_INSTANT_RESTORE_POINTS_PER_VM;
    const params = { vmName: context.vm.name, count, limit, resourceGroup: holding.join(', ') };
    const inGroups = holding.join(', ');
    const lockText = locks.length === 0 ? { en: '', es: '' } : {
      en: `; remove lock ${locks.join(', ')} (\`arca lock delete\`), then run a backup to clean up`,
      es: `; quite el bloqueo ${locks.join(', ')} (\`arca lock delete\`) y después ejecute una copia de seguridad para limpiar`,
    };
    if (count >= limit) return fail({ en: `${count} restore points in ${inGroups}${lockText.en}`, es: `${count} puntos de restauración en ${inGroups}${lockText.es}` }, 'UserErrorRpCollectionLimitReached', params, locks.length === 0 ? cleanupBackupFix(context) : undefined);
    if (locks.length > 0) return warn({ en: `${count} restore points; a lock keeps expired ones from being deleted${lockText.en}`, es: `${count} puntos de restauración; un bloqueo impide eliminar los caducados${lockText.es}` }, 'UserErrorRpCollectionLimitReached', params);
    return pass({ en: `${count} of ${limit} restore points in ${inGroups}, no lock`, es: `${count} de ${limit} puntos de restauración en ${inGroups}, sin bloqueo` });
  },
};

function jobsOf(context: VaultContext) {
  return context.api.listJobs(context.vault).then((jobs) => jobs.filter((j) => j.properties.entityFriendlyName?.toLowerCase() === context.vm.name.toLowerCase()));
}

export const jobsCheck: Check<VaultContext> = {
  id: 'vault.jobs',
  title: VAULT_TITLES['vault.jobs'],
  timeoutMs: 5000,
  async run(context) {
    const jobs = await jobsOf(context);
    const findings: Finding[] = [];
    for (const job of jobs.filter((j) => j.properties.status === 'InProgress' || j.properties.status === 'Cancelling')) {
      findings.push(warn(`${job.properties.operation} ${job.name} ${job.properties.status} since ${job.properties.startTime ?? '?'}`, 'UserErrorBackupOperationInProgress', { itemName: context.vm.name, jobId: job.name }));
    }
    const since = context.now.getTime() - RECENT_MS;
    const failed = jobs.filter((j) => (j.properties.status === 'Failed' || j.properties.status === 'CompletedWithWarnings') && Date.parse(j.properties.startTime ?? '') >= since);
    const byCode = new Map<string, typeof failed>();
    for (const job of failed) {
      const code = job.properties.errorDetails?.[0]?.code ?? 'unknown';
      byCode.set(code, [...(byCode.get(code) ?? []), job]);
    }
    for (const [code, group] of byCode) {
      const entry = findEntry(code);
      const last = group[0]?.properties.errorDetails?.[0]?.errorString ?? '';
      const detail = { en: `${group.length} job(s) in the last 7 days ended with ${code}; latest: ${last}`, es: `${group.length} trabajo(s) de los últimos 7 días terminaron con ${code}; el último: ${last}` };
      findings.push(entry ? { status: 'WARN', detail, code: entry.code as CatalogCode, params: { vmName: context.vm.name } } : warn(detail));
    }
    if (findings.length === 0) findings.push(pass({ en: `${jobs.length} job(s), none running, no failure in the last 7 days`, es: `${jobs.length} trabajo(s), ninguno en curso, ningún error en los últimos 7 días` }));
    return findings;
  },
};

export const policyCheck: Check<VaultContext> = {
  id: 'vault.policy',
  title: VAULT_TITLES['vault.policy'],
  async run(context) {
    const item = await protectedItem(context);
    const policyId = typeof item?.properties['policyId'] === 'string' ? item.properties['policyId'] : undefined;
    if (!policyId) return pass({ en: 'no policy to check', es: 'ninguna directiva que comprobar' });
    const policy = await context.api.getPolicy(context.vault, policyId.split('/').at(-1) as string);
    const p = policy.properties as { policyType?: string; instantRpRetentionRangeInDays?: number; schedulePolicy?: { scheduleRunFrequency?: string; scheduleRunTimes?: string[] } };
    const findings: Finding[] = [];
    const times = p.schedulePolicy?.scheduleRunTimes?.length ?? 0;
    if (p.policyType !== 'V2' && (p.schedulePolicy?.scheduleRunFrequency === 'Hourly' || times > 1)) {
      const reason = `policy ${policy.name} (V1) schedules ${times} backups a day; V1 allows one`;
      findings.push(fail(reason, 'UserErrorInvalidSchedule', { reason }));
    }
    const days = p.instantRpRetentionRangeInDays;
    if (days !== undefined && (days < INSTANT_RETENTION_DAYS.min || days > INSTANT_RETENTION_DAYS.max)) {
      findings.push(fail({ en: `policy ${policy.name} keeps instant points ${days} days`, es: `la directiva ${policy.name} conserva los puntos instantáneos ${days} días` }, 'UserErrorInstantRpRetentionOutOfRange', { days, min: INSTANT_RETENTION_DAYS.min, max: INSTANT_RETENTION_DAYS.max }));
    }
    const type = p.policyType ?? 'V1';
    if (findings.length === 0) findings.push(pass({ en: `policy ${policy.name}: ${type}, ${times} run(s) a day, instant retention ${days ?? '?'} days`, es: `directiva ${policy.name}: ${type}, ${times} ejecución(es) al día, retención instantánea de ${days ?? '?'} días` }));
    return findings;
  },
};

export const VAULT_CHECKS: readonly Check<VaultContext>[] = [vmAgentCheck, vmExtensionsCheck, protectionCheck, restorePointsCheck, jobsCheck, policyCheck];

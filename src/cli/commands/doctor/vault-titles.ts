import type { CheckTitle } from '../../../agent/doctor/check.ts';
import { MAX_INSTANT_RESTORE_POINTS_PER_VM } from '../../../core/limits.ts';

/** The vault-side checks' titles (`arca doctor --vm`), by stable check id, in English and Spanish. */
export const VAULT_TITLES = {
  'vault.agent': { en: 'agent last seen and ready; VM provisioned and running', es: 'el agente informó hace poco y está listo; la VM está aprovisionada y en ejecución' },
  'vault.extensions': { en: 'extension statuses reported to the vault', es: 'estados de las extensiones notificados al almacén' },
  'vault.protection': { en: 'VM actively protected by the vault', es: 'la VM está protegida activamente por el almacén' },
  'vault.restore-points': {
    en: `restore points under ${MAX_INSTANT_RESTORE_POINTS_PER_VM}; no lock on AzureBackupRG groups`,
    es: `menos de ${MAX_INSTANT_RESTORE_POINTS_PER_VM} puntos de restauración; ningún bloqueo en los grupos AzureBackupRG`,
  },
  'vault.jobs': { en: 'jobs in progress and recent failures', es: 'trabajos en curso y errores recientes' },
  'vault.policy': { en: 'backup policy sane', es: 'la directiva de copia de seguridad es coherente' },
} as const satisfies Record<string, CheckTitle>;

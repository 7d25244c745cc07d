import { defineErrors } from '../catalog-entry.ts';

/** The vault's side of a backup beyond the seeds' codes: checking what the agent says it wrote. */
export const backupFlowErrors = defineErrors({
  BackupPointNotInVault: {
    numericCode: 771400,
    httpStatus: 502,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Reported backup data not found in the vault',
      message: 'The agent on {vmName} reported that it wrote recovery point {manifestId} to the vault, but the vault {reason}. The backup is not counted, because the data it would rely on cannot be read.',
      recommendations: [
        'Run `arca backup now --vm {vmName}`; a backup interrupted while writing leaves the repository consistent and the next one writes the point again.',
        'If it fails again, run `arca repo verify` on the vault to check that the repository is readable and whole.',
        'Run `arca doctor` on the machine and check that the VMSnapshot extension writes to this vault and not to another one.',
      ],
    },
    es: {
      title: 'No se encuentran en el almacén los datos notificados',
      message: 'El agente de {vmName} notificó que escribió el punto de recuperación {manifestId} en el almacén, pero el almacén {reason}. La copia de seguridad no se cuenta, porque no se pueden leer los datos en los que se basaría.',
      recommendations: [
        'Ejecute `arca backup now --vm {vmName}`; una copia interrumpida mientras escribía deja el repositorio coherente y la siguiente vuelve a escribir el punto.',
        'Si vuelve a fallar, ejecute `arca repo verify` en el almacén para comprobar que el repositorio se puede leer y está completo.',
        'Ejecute `arca doctor` en la máquina y compruebe que la extensión VMSnapshot escribe en este almacén y no en otro.',
      ],
    },
  },
});

import { defineErrors } from '../catalog-entry.ts';

/** Reading the snapshots and shipping their data to the vault, and cleaning up after it. */
export const transferErrors = defineErrors({
  CopyingVHDsFromBackUpVaultTakingLongTime: {
    numericCode: 770400,
    httpStatus: 504,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Data transfer to the vault timed out',
      message: 'Copying the snapshot data of {vmName} to the vault timed out. A transient storage error, or disks that could not deliver enough I/O within the transfer window, can cause this.',
      recommendations: [
        'Wait a few minutes and run `arca backup now --vm {vmName}`; chunks already stored in the vault are not sent again, so the new attempt picks up most of the work already done.',
        'Follow the new job with `arca jobs watch JOB_ID` to see whether the transfer is slow throughout or stalls at one point.',
        'If it keeps timing out, look for other heavy I/O on the same storage during the backup window and move the backup time of the policy away from it.',
      ],
    },
    es: {
      title: 'Se agotó el tiempo de espera al transferir datos al almacén',
      message: 'La copia de los datos de la instantánea de {vmName} al almacén agotó el tiempo de espera. Puede deberse a un error transitorio del almacenamiento o a que los discos no pudieron ofrecer suficiente E/S dentro de la ventana de transferencia.',
      recommendations: [
        'Espere unos minutos y ejecute `arca backup now --vm {vmName}`; los fragmentos que ya están en el almacén no se vuelven a enviar, así que el nuevo intento aprovecha casi todo el trabajo hecho.',
        'Siga el nuevo trabajo con `arca jobs watch ID_TRABAJO` para ver si la transferencia es lenta de principio a fin o se detiene en un punto.',
        'Si sigue agotando el tiempo de espera, busque otra carga intensa de E/S en el mismo almacenamiento durante la ventana de copia de seguridad y aleje de ella la hora de copia de la directiva.',
      ],
    },
  },
  UserErrorBCMPremiumStorageQuotaError: {
    numericCode: 770401,
    httpStatus: 409,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Not enough space for the snapshots',
      message: 'There is not enough free space in {path} to keep the snapshots of {vmName} while their data is copied to the vault. Copy-on-write snapshots grow as the disks change, and they stay in place until the transfer ends.',
      recommendations: [
        'Run `arca doctor --vm {vmName}`; it reports the free space where the snapshots and staging data live.',
        'Free space in {path} or extend its file system; as a rule, keep about half of it free so that snapshots have room to grow during the copy.',
        'For disks on LVM, make sure the volume group has free extents for the snapshot volumes.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'No hay espacio suficiente para las instantáneas',
      message: 'No hay espacio libre suficiente en {path} para conservar las instantáneas de {vmName} mientras sus datos se copian al almacén. Las instantáneas de copia en escritura crecen a medida que cambian los discos y permanecen hasta que termina la transferencia.',
      recommendations: [
        'Ejecute `arca doctor --vm {vmName}`; informa del espacio libre donde se guardan las instantáneas y los datos provisionales.',
        'Libere espacio en {path} o amplíe su sistema de archivos; como norma, mantenga libre cerca de la mitad para que las instantáneas puedan crecer durante la copia.',
        'Si los discos están en LVM, asegúrese de que el grupo de volúmenes tiene extensiones libres para los volúmenes de instantánea.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  BackUpOperationFailed: {
    numericCode: 770402,
    httpStatus: 500,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Backup failed with an internal error',
      message: 'The backup of {vmName} failed with an internal error. It is usually transient, such as a brief outage of the storage behind the machine\'s disks or of the vault.',
      recommendations: [
        'Wait a few minutes and run `arca backup now --vm {vmName}`.',
        'If it fails again, run `arca doctor --vm {vmName}` and fix what it reports about the agent, the extension and the vault\'s storage.',
        'If the machine was deleted on purpose, stop its backups and keep the data with `arca protection stop --vm {vmName}`.',
        'If the problem persists, run `arca doctor --collect-logs` on the machine and report it together with the job id shown by `arca jobs list --vm {vmName}`.',
      ],
    },
    es: {
      title: 'La copia de seguridad falló por un error interno',
      message: 'La copia de seguridad de {vmName} falló por un error interno. Suele ser pasajero, por ejemplo una breve interrupción del almacenamiento de los discos de la máquina o del almacén.',
      recommendations: [
        'Espere unos minutos y ejecute `arca backup now --vm {vmName}`.',
        'Si vuelve a fallar, ejecute `arca doctor --vm {vmName}` y corrija lo que indique sobre el agente, la extensión y el almacenamiento del almacén.',
        'Si la máquina se eliminó a propósito, detenga sus copias de seguridad conservando los datos con `arca protection stop --vm {vmName}`.',
        'Si el problema continúa, ejecute `arca doctor --collect-logs` en la máquina e informe de él junto con el identificador del trabajo que muestra `arca jobs list --vm {vmName}`.',
      ],
    },
  },
  BackUpOperationFailedV2: {
    numericCode: 770403,
    httpStatus: 409,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Expired restore points could not be cleaned up',
      message: 'During the backup of {vmName}, Arca was not allowed to delete expired restore points from resource group {resourceGroup}; the job\'s status tells whether a new point was still taken. A lock on that group is the most common cause; while it stays, old points pile up until the limit of 18 instant points stops new backups.',
      recommendations: [
        'List the locks with `arca locks list --resource-group {resourceGroup}` and delete them with `arca locks delete LOCK --resource-group {resourceGroup}`.',
        'Run `arca backup now --vm {vmName}`; cleanup of expired points runs with every backup, on-demand ones included.',
        'Check with `arca rp list --vm {vmName}` that the expired points are gone.',
        'Do not lock {resourceGroup} again; if you need protection against deletion, lock the machine\'s own resource group instead.',
      ],
    },
    es: {
      title: 'No se pudieron limpiar los puntos de restauración caducados',
      message: 'Durante la copia de seguridad de {vmName}, Arca no pudo eliminar los puntos de restauración caducados del grupo de recursos {resourceGroup} porque no se le permitió; el estado del trabajo indica si aun así se tomó un punto nuevo. La causa más habitual es un bloqueo en ese grupo; mientras siga, los puntos antiguos se acumulan hasta que el límite de 18 puntos instantáneos impide nuevas copias de seguridad.',
      recommendations: [
        'Muestre los bloqueos con `arca locks list --resource-group {resourceGroup}` y elimínelos con `arca locks delete BLOQUEO --resource-group {resourceGroup}`.',
        'Ejecute `arca backup now --vm {vmName}`; la limpieza de los puntos caducados se ejecuta con cada copia de seguridad, incluidas las copias a petición.',
        'Compruebe con `arca rp list --vm {vmName}` que los puntos caducados han desaparecido.',
        'No vuelva a bloquear {resourceGroup}; si necesita protección frente a eliminaciones, bloquee en su lugar el grupo de recursos de la propia máquina.',
      ],
    },
  },
});

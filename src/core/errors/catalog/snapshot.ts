import { defineErrors } from '../catalog-entry.ts';

/** The snapshot task: freezing file systems, taking the disk snapshots, and the limits around them. */
export const snapshotErrors = defineErrors({
  UserErrorFsFreezeFailed: {
    numericCode: 770300,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'File system could not be frozen',
      message: 'The VMSnapshot extension could not freeze {mountPoint} on {vmName}, so no file-system-consistent snapshot could be taken. This usually means the file system on that mount is not in a clean state.',
      recommendations: [
        'Find the device behind {mountPoint} and check its state; for ext2/3/4, `tune2fs -l /dev/X | grep \'Filesystem state\'` should print "clean".',
        'If it is not clean, unmount {mountPoint}, check it with `fsck -n /dev/X`, repair it with `fsck` if errors are found, and mount it again.',
        'Run `arca doctor` on the machine; it checks every mount the extension freezes and reports the ones that would fail.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'No se pudo inmovilizar el sistema de archivos',
      message: 'La extensión VMSnapshot no pudo inmovilizar {mountPoint} en {vmName}, por lo que no se pudo tomar una instantánea coherente con el sistema de archivos. Normalmente significa que el sistema de archivos de ese montaje no está en un estado limpio.',
      recommendations: [
        'Localice el dispositivo que hay detrás de {mountPoint} y compruebe su estado; en ext2/3/4, `tune2fs -l /dev/X | grep \'Filesystem state\'` debe mostrar "clean".',
        'Si no está limpio, desmonte {mountPoint}, revíselo con `fsck -n /dev/X`, repárelo con `fsck` si encuentra errores y vuelva a montarlo.',
        'Ejecute `arca doctor` en la máquina; comprueba todos los montajes que inmoviliza la extensión e indica los que fallarían.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorUnableToOpenMount: {
    numericCode: 770301,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Mount point could not be opened',
      message: 'The VMSnapshot extension on {vmName} could not open {mountPoint}. It must open every mount to find the disks beneath it, snapshot them and measure their size.',
      recommendations: [
        'Check that {mountPoint} answers: `ls {mountPoint}` run as root should return at once; a hung network mount or a removed device will not.',
        'Unmount stale mounts whose device has gone, and remove them from `/etc/fstab` if they should not come back.',
        'Check the file system behind {mountPoint} with `fsck -n` while it is unmounted and repair any errors.',
        'Run `arca doctor` to confirm every mount can be opened, then `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'No se pudo abrir un punto de montaje',
      message: 'La extensión VMSnapshot de {vmName} no pudo abrir {mountPoint}. Necesita abrir cada montaje para encontrar los discos que hay debajo, tomar sus instantáneas y medir su tamaño.',
      recommendations: [
        'Compruebe que {mountPoint} responde: `ls {mountPoint}` ejecutado como root debe contestar al instante; un montaje de red colgado o un dispositivo retirado no lo hará.',
        'Desmonte los montajes obsoletos cuyo dispositivo ya no existe y quítelos de `/etc/fstab` si no deben volver.',
        'Revise el sistema de archivos de {mountPoint} con `fsck -n` mientras esté desmontado y repare los errores que haya.',
        'Ejecute `arca doctor` para confirmar que se pueden abrir todos los montajes y, después, `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionFailedSnapshotLimitReachedError: {
    numericCode: 770302,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Disk snapshot limit reached',
      message: 'No snapshot could be taken because one or more disks of {vmName} already carry as many snapshots as the snapshot provider allows. Leftover snapshots that nothing removes are the usual cause.',
      recommendations: [
        'Run `arca doctor --vm {vmName}` to see the snapshots of each disk and which of them belong to Arca.',
        'Delete the snapshots that Arca did not make and that are no longer needed, for example old LVM snapshots listed by `lvs`.',
        'If expired Arca restore points are not going away, look for a lock on their resource group with `arca locks list --resource-group AzureBackupRG_<region>_<n>` and delete it.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Se alcanzó el límite de instantáneas del disco',
      message: 'No se pudo tomar la instantánea porque uno o varios discos de {vmName} ya tienen tantas instantáneas como permite el proveedor de instantáneas. La causa habitual son instantáneas sobrantes que nadie elimina.',
      recommendations: [
        'Ejecute `arca doctor --vm {vmName}` para ver las instantáneas de cada disco y cuáles pertenecen a Arca.',
        'Elimine las instantáneas que no creó Arca y que ya no necesite, por ejemplo instantáneas LVM antiguas que muestra `lvs`.',
        'Si los puntos de restauración caducados de Arca no desaparecen, busque un bloqueo en su grupo de recursos con `arca locks list --resource-group AzureBackupRG_<region>_<n>` y elimínelo.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorUnsupportedDiskSize: {
    numericCode: 770303,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Disk size not supported',
      message: 'Disk {diskName} of {vmName} is {size}, above the {limit} Arca can back up for this disk. Arca backs up disks of up to 32 TiB, and encrypted disks of up to 4 TiB.',
      recommendations: [
        'Check the size and encryption of every disk with `arca doctor --vm {vmName}`.',
        'Spread the data of {diskName} over several disks of at most {limit} each, or shrink it below that size.',
        'Run `arca backup now --vm {vmName}` once every disk is within its limit.',
      ],
    },
    es: {
      title: 'Tamaño de disco no admitido',
      message: 'El disco {diskName} de {vmName} mide {size} y supera el límite de {limit} que Arca admite para este disco. Arca hace copia de seguridad de discos de hasta 32 TiB, y de discos cifrados de hasta 4 TiB.',
      recommendations: [
        'Compruebe el tamaño y el cifrado de cada disco con `arca doctor --vm {vmName}`.',
        'Reparta los datos de {diskName} entre varios discos de {limit} como máximo cada uno, o redúzcalo por debajo de ese tamaño.',
        'Ejecute `arca backup now --vm {vmName}` cuando todos los discos estén dentro de su límite.',
      ],
    },
  },
  UserErrorRpCollectionLimitReached: {
    numericCode: 770304,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Restore point limit reached',
      message: '{vmName} already has {count} instant restore points and at most {limit} can exist at a time, so no new one can be kept. Either expired points could not be cleaned up, usually because of a lock on {resourceGroup}, or the machine is backed up more often than its instant retention allows.',
      recommendations: [
        'List the locks with `arca locks list --resource-group {resourceGroup}` and remove them with `arca locks delete LOCK --resource-group {resourceGroup}`; Arca owns that group and it should never be locked.',
        'Run `arca backup now --vm {vmName}`: cleanup of expired points runs with every backup, on-demand ones included.',
        'Check with `arca rp list --vm {vmName}` that fewer than {limit} instant points remain.',
        'If the machine is backed up several times a day, shorten the instant-restore retention of its policy so that days times backups per day stays at or below {limit}.',
      ],
    },
    es: {
      title: 'Se alcanzó el límite de puntos de restauración',
      message: '{vmName} ya tiene {count} puntos de restauración instantánea y no puede haber más de {limit} a la vez, así que no se puede conservar uno nuevo. O no se pudieron limpiar los puntos caducados, normalmente por un bloqueo en {resourceGroup}, o se hace copia de seguridad de la máquina con más frecuencia de la que permite su retención instantánea.',
      recommendations: [
        'Muestre los bloqueos con `arca locks list --resource-group {resourceGroup}` y quítelos con `arca locks delete BLOQUEO --resource-group {resourceGroup}`; ese grupo pertenece a Arca y nunca debe bloquearse.',
        'Ejecute `arca backup now --vm {vmName}`: la limpieza de los puntos caducados se ejecuta con cada copia de seguridad, incluidas las copias a petición.',
        'Compruebe con `arca rp list --vm {vmName}` que quedan menos de {limit} puntos instantáneos.',
        'Si se hace copia de seguridad de la máquina varias veces al día, acorte la retención de restauración instantánea de su directiva para que los días de retención multiplicados por las copias diarias no superen {limit}.',
      ],
    },
  },
  UserErrorSnapshotDelayedByLoad: {
    numericCode: 770305,
    httpStatus: 504,
    retryable: true,
    phase: 'snapshot',
    en: {
      title: 'Snapshot delayed by high load',
      message: '{vmName} was running at {cpuPercent} % CPU and {memoryPercent} % memory. Above 90 % the snapshot task waits behind other work, and this time it timed out before it could run.',
      recommendations: [
        'Run `arca backup now --vm {vmName}` at a moment when the machine is less busy.',
        'Find what takes the CPU or memory during the backup window (`arca doctor` on the machine reports the pressure it sees) and reduce it, or give the machine more resources.',
        'Move the scheduled backup time of its policy to an hour when the machine is quieter; `arca vm show {vmName}` names the policy.',
      ],
    },
    es: {
      title: 'Instantánea retrasada por carga elevada',
      message: '{vmName} estaba al {cpuPercent} % de CPU y al {memoryPercent} % de memoria. Por encima del 90 % la tarea de instantánea queda a la espera detrás de otros procesos, y esta vez agotó el tiempo de espera antes de ejecutarse.',
      recommendations: [
        'Ejecute `arca backup now --vm {vmName}` en un momento en que la máquina esté menos ocupada.',
        'Averigüe qué consume la CPU o la memoria durante la ventana de copia de seguridad (`arca doctor` en la máquina informa de la presión que detecta) y redúzcalo, o asigne más recursos a la máquina.',
        'Pase la hora programada de copia de seguridad de su directiva a un momento más tranquilo; `arca vm show {vmName}` indica cuál es la directiva.',
      ],
    },
  },
  ExtensionSnapshotFailedCOM: {
    numericCode: 770306,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    platform: 'windows',
    en: {
      title: 'COM+ error during the snapshot',
      message: 'The snapshot of {vmName} failed because of a COM+ error. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'From an elevated command prompt, start the COM+ System Application service with `net start COMSysApp`.',
        'If the error comes back, restart the machine.',
        'If a restart does not help, remove the extension with `arca vm extension remove --vm {vmName} --name VMSnapshot` and run `arca backup now --vm {vmName}` to install it again.',
      ],
    },
    es: {
      title: 'Error de COM+ durante la instantánea',
      message: 'La instantánea de {vmName} falló por un error de COM+. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Desde un símbolo del sistema con privilegios elevados, inicie el servicio Aplicación del sistema COM+ con `net start COMSysApp`.',
        'Si el error vuelve a aparecer, reinicie la máquina.',
        'Si reiniciar no lo resuelve, quite la extensión con `arca vm extension remove --vm {vmName} --name VMSnapshot` y ejecute `arca backup now --vm {vmName}` para volver a instalarla.',
      ],
    },
  },
  ExtensionFailedVssWriterInBadState: {
    numericCode: 770307,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    platform: 'windows',
    en: {
      title: 'VSS writers in a bad state',
      message: 'The snapshot of {vmName} failed because one or more Volume Shadow Copy (VSS) writers are in a bad state. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'From an elevated command prompt, run `vssadmin list writers` and note every writer whose state is not "[1] Stable".',
        'Restart the service behind each of those writers with `net stop SERVICE` followed by `net start SERVICE`.',
        'Run `vssadmin list writers` again to confirm they are all stable, then `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Escritores VSS en mal estado',
      message: 'La instantánea de {vmName} falló porque uno o varios escritores de Instantáneas de volumen (VSS) están en mal estado. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Desde un símbolo del sistema con privilegios elevados, ejecute `vssadmin list writers` y anote cada escritor cuyo estado no sea "[1] Stable".',
        'Reinicie el servicio de cada uno de esos escritores con `net stop SERVICIO` seguido de `net start SERVICIO`.',
        'Vuelva a ejecutar `vssadmin list writers` para confirmar que todos están estables y, después, `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionFailedVssServiceInBadState: {
    numericCode: 770308,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    platform: 'windows',
    en: {
      title: 'VSS service in a bad state',
      message: 'The snapshot of {vmName} failed because the Volume Shadow Copy service (VSS) is in a bad state. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'From an elevated command prompt, restart the service with `net stop VSS` followed by `net start VSS`.',
        'If the error comes back, restart the machine.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Servicio VSS en mal estado',
      message: 'La instantánea de {vmName} falló porque el servicio Instantáneas de volumen (VSS) está en mal estado. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Desde un símbolo del sistema con privilegios elevados, reinicie el servicio con `net stop VSS` seguido de `net start VSS`.',
        'Si el error vuelve a aparecer, reinicie la máquina.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionSnapshotBitlockerError: {
    numericCode: 770309,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    platform: 'windows',
    en: {
      title: 'Drive locked by BitLocker',
      message: 'The snapshot of {vmName} failed because BitLocker Drive Encryption keeps a drive locked, and VSS cannot read it. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'Unlock every drive BitLocker keeps locked on the machine, or turn on automatic unlocking for the data drives.',
        'If the error persists, turn BitLocker off on the affected drives to see whether the VSS error goes away.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Unidad bloqueada por BitLocker',
      message: 'La instantánea de {vmName} falló porque el Cifrado de unidad BitLocker mantiene bloqueada una unidad y VSS no puede leerla. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Desbloquee en la máquina todas las unidades que BitLocker mantenga bloqueadas, o active el desbloqueo automático de las unidades de datos.',
        'Si el error persiste, desactive BitLocker en las unidades afectadas para comprobar si desaparece el error de VSS.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorPrePostScriptNotSecure: {
    numericCode: 770310,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Pre-script or post-script refused',
      message: 'The VMSnapshot extension on {vmName} refused to run {scriptPath}: {reason}. A script the extension runs as root must be owned by root and writable by no one else, or anyone who could change it could run commands as root.',
      recommendations: [
        'Make root the owner of the script and of the folders above it with `sudo chown root:root {scriptPath}`.',
        'Remove write permission for the group and for others with `sudo chmod go-w {scriptPath}`, and check the result with `ls -l {scriptPath}`.',
        'Run `arca backup now --vm {vmName}`; if the script is not needed, remove it from `/etc/arca/vmsnapshot.json` instead.',
      ],
    },
    es: {
      title: 'Script previo o posterior rechazado',
      message: 'La extensión VMSnapshot de {vmName} se negó a ejecutar {scriptPath}: {reason}. Un script que la extensión ejecuta como root debe pertenecer a root y nadie más debe poder modificarlo; de lo contrario, quien pudiera cambiarlo podría ejecutar órdenes como root.',
      recommendations: [
        'Haga que root sea el propietario del script y de las carpetas que lo contienen con `sudo chown root:root {scriptPath}`.',
        'Quite el permiso de escritura al grupo y a los demás con `sudo chmod go-w {scriptPath}` y compruebe el resultado con `ls -l {scriptPath}`.',
        'Ejecute `arca backup now --vm {vmName}`; si el script no hace falta, quítelo de `/etc/arca/vmsnapshot.json`.',
      ],
    },
  },
  UserErrorPrePostScriptFailed: {
    numericCode: 770311,
    httpStatus: 409,
    retryable: true,
    phase: 'snapshot',
    en: {
      title: 'Pre-script or post-script failed',
      message: 'The {stage} script {scriptPath} on {vmName} failed after {attempts} attempts ({reason}), and the configuration does not allow the snapshot to go on without it.',
      recommendations: [
        'Run the script by hand as root on the machine and read its output: `sudo {scriptPath}`.',
        'If it needs more time, raise `timeoutSeconds` in `/etc/arca/vmsnapshot.json`; if the backup may proceed without it (as a file-system-consistent point), set `continueOnFailure` to true.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Falló el script previo o posterior',
      message: 'El script {stage} {scriptPath} de {vmName} falló tras {attempts} intentos ({reason}) y la configuración no permite que la instantánea continúe sin él.',
      recommendations: [
        'Ejecute el script a mano como root en la máquina y lea su salida: `sudo {scriptPath}`.',
        'Si necesita más tiempo, aumente `timeoutSeconds` en `/etc/arca/vmsnapshot.json`; si la copia de seguridad puede seguir sin él (como punto coherente con el sistema de archivos), establezca `continueOnFailure` en true.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionDeviceMapperSnapshotFailed: {
    numericCode: 770312,
    httpStatus: 500,
    retryable: true,
    phase: 'snapshot',
    en: {
      title: 'Device-mapper snapshot failed',
      message: 'The VMSnapshot extension on {vmName} could not take the device-mapper snapshot of disk {diskName}: the step "{step}" failed ({reason}). Everything the extension had set up for the snapshot was removed and the disk is left as it was.',
      recommendations: [
        'Run `dmsetup ls` and `dmsetup info` as root on the machine and check that the device behind {diskName} is active and not suspended.',
        'Look for leftovers named `arca-…` in `dmsetup ls` and `losetup -a`; the extension removes them on its next run, but another tool that holds them open prevents it.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Falló la instantánea de device-mapper',
      message: 'La extensión VMSnapshot de {vmName} no pudo tomar la instantánea de device-mapper del disco {diskName}: falló el paso "{step}" ({reason}). Se quitó todo lo que la extensión había preparado para la instantánea y el disco queda como estaba.',
      recommendations: [
        'Ejecute `dmsetup ls` y `dmsetup info` como root en la máquina y compruebe que el dispositivo de {diskName} está activo y no suspendido.',
        'Busque restos con nombre `arca-…` en `dmsetup ls` y `losetup -a`; la extensión los quita en su siguiente ejecución, pero otra herramienta que los mantenga abiertos lo impide.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorSnapshotCowStoreFull: {
    numericCode: 770313,
    httpStatus: 409,
    retryable: true,
    phase: 'snapshot',
    en: {
      title: 'Snapshot copy-on-write store filled up',
      message: 'While disk {diskName} of {vmName} was being read from its device-mapper snapshot, the disk took more writes than its {cowSize} copy-on-write store could hold. The kernel dropped the snapshot, so what was read cannot be trusted and no point was kept.',
      recommendations: [
        'Raise `dmCowSizeMiB` in `/etc/arca/vmsnapshot.json`, or name a larger spare device in `dmCowDevice`.',
        'Schedule the backup at a quieter time, when the disk takes fewer writes.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Se llenó el almacén de copia en escritura de la instantánea',
      message: 'Mientras se leía el disco {diskName} de {vmName} desde su instantánea de device-mapper, el disco recibió más escrituras de las que cabían en su almacén de copia en escritura de {cowSize}. El kernel descartó la instantánea, así que lo leído no es fiable y no se conservó ningún punto.',
      recommendations: [
        'Aumente `dmCowSizeMiB` en `/etc/arca/vmsnapshot.json` o indique un dispositivo de reserva más grande en `dmCowDevice`.',
        'Programe la copia de seguridad para un momento más tranquilo, en el que el disco reciba menos escrituras.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
});

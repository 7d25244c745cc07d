import { defineErrors } from '../catalog-entry.ts';

/** Operating on a repository: points and disks asked for, images read and written, checks, leases. */
export const repositoryOperationErrors = defineErrors({
  RecoveryPointNotFound: {
    numericCode: 770813,
    httpStatus: 404,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Recovery point not found',
      message: 'The repository has no recovery point {point}.',
      recommendations: [
        'List the recovery points with `arca repo stats --repo LOCATION -o json` or `arca rp list --vm NAME`.',
        'Recovery points removed by retention or prune cannot be restored.',
      ],
    },
    es: {
      title: 'Punto de recuperación no encontrado',
      message: 'El repositorio no tiene ningún punto de recuperación {point}.',
      recommendations: [
        'Liste los puntos de recuperación con `arca repo stats --repo UBICACIÓN -o json` o `arca rp list --vm NOMBRE`.',
        'Los puntos eliminados por la retención o por prune no se pueden restaurar.',
      ],
    },
  },
  RepositoryDiskNotInPoint: {
    numericCode: 770814,
    httpStatus: 400,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'No such disk in the recovery point',
      message: 'Recovery point {point} holds {count} disks; disk {disk} is not one of them (disks count from 0).',
      recommendations: [
        'Pick a disk number from 0 to the count minus one; `arca repo stats --repo LOCATION -o json` lists them.',
      ],
    },
    es: {
      title: 'El disco no está en el punto de recuperación',
      message: 'El punto de recuperación {point} contiene {count} discos; el disco {disk} no es uno de ellos (se numeran desde 0).',
      recommendations: [
        'Elija un número de disco entre 0 y el total menos uno; `arca repo stats --repo UBICACIÓN -o json` los muestra.',
      ],
    },
  },
  ImageFileUnreadable: {
    numericCode: 770815,
    httpStatus: 400,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Disk image cannot be read',
      message: 'The disk image {path} cannot be read: {reason}',
      recommendations: [
        'Check that the path exists and that Arca runs as a user allowed to read it.',
        'For block devices, run as root or add the user to the `disk` group.',
      ],
    },
    es: {
      title: 'No se puede leer la imagen de disco',
      message: 'No se puede leer la imagen de disco {path}: {reason}',
      recommendations: [
        'Compruebe que la ruta existe y que Arca se ejecuta con un usuario que puede leerla.',
        'Para dispositivos de bloques, ejecute como root o añada el usuario al grupo `disk`.',
      ],
    },
  },
  RestoreTargetExists: {
    numericCode: 770816,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Restore target already exists',
      message: '{path} already exists and would be overwritten.',
      recommendations: [
        'Choose a new file with `--to`, or add `--force` to overwrite it on purpose.',
      ],
    },
    es: {
      title: 'El destino de la restauración ya existe',
      message: '{path} ya existe y se sobrescribiría.',
      recommendations: [
        'Elija un archivo nuevo con `--to` o añada `--force` para sobrescribirlo a propósito.',
      ],
    },
  },
  RepositoryVerifyFailed: {
    numericCode: 770817,
    httpStatus: 500,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository check found problems',
      message: 'The check found {problems} problems in {packs} packs; recovery points affected: {points}.',
      recommendations: [
        'Read each problem above: every one names its code, the pack and the recovery points.',
        'Take new backups of the affected machines, then run `arca repo prune --repo LOCATION` to drop what is damaged and unused.',
      ],
    },
    es: {
      title: 'La comprobación del repositorio encontró problemas',
      message: 'La comprobación encontró {problems} problemas en {packs} paquetes; puntos de recuperación afectados: {points}.',
      recommendations: [
        'Lea cada problema indicado arriba: cada uno muestra su código, el paquete y los puntos de recuperación.',
        'Haga copias nuevas de las máquinas afectadas y luego ejecute `arca repo prune --repo UBICACIÓN` para eliminar lo dañado que no se use.',
      ],
    },
  },
  RepositoryBackupInterrupted: {
    numericCode: 770818,
    httpStatus: 503,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Backup lost its place in the repository',
      message: 'Backup {id} was taken for dead by a prune (it was paused for a long time, or this machine\'s clock is far off), so its recovery point was not recorded.',
      recommendations: [
        'Run the backup again; the data it already stored is reused.',
        'Check that this machine\'s clock is synchronised (`timedatectl`), since prune compares times across machines.',
      ],
    },
    es: {
      title: 'La copia de seguridad perdió su sitio en el repositorio',
      message: 'Un prune dio por muerta la copia {id} (estuvo en pausa mucho tiempo o el reloj de esta máquina está muy desviado), así que su punto de recuperación no se registró.',
      recommendations: [
        'Vuelva a ejecutar la copia de seguridad; los datos que ya guardó se reutilizan.',
        'Compruebe que el reloj de esta máquina está sincronizado (`timedatectl`), porque prune compara horas entre máquinas.',
      ],
    },
  },
  RepositoryPruneRunning: {
    numericCode: 770819,
    httpStatus: 409,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Another prune is running',
      message: 'A prune started on {host} at {since} is still running; only one may run at a time.',
      recommendations: [
        'Wait for it to finish, then run prune again if needed.',
        'If that prune was killed, its lease expires after 30 minutes of silence; on the same machine it is cleared at once.',
      ],
    },
    es: {
      title: 'Ya hay otro prune en curso',
      message: 'Sigue en curso un prune iniciado en {host} a las {since}; solo puede ejecutarse uno a la vez.',
      recommendations: [
        'Espere a que termine y, si hace falta, vuelva a ejecutar prune.',
        'Si ese prune se interrumpió, su concesión caduca tras 30 minutos sin señales; en la misma máquina se libera de inmediato.',
      ],
    },
  },
  OperationCancelled: {
    numericCode: 770820,
    httpStatus: 409,
    retryable: true,
    phase: 'job',
    en: {
      title: 'Cancelled',
      message: 'The operation was cancelled ({reason}) before it finished; what was committed stays valid.',
      recommendations: [
        'Run the command again when you are ready; a backup reuses the data it already stored.',
        'A restore that was cancelled leaves no partial image behind.',
      ],
    },
    es: {
      title: 'Cancelado',
      message: 'La operación se canceló ({reason}) antes de terminar; lo que ya se confirmó sigue siendo válido.',
      recommendations: [
        'Vuelva a ejecutar el comando cuando quiera; una copia de seguridad reutiliza los datos que ya guardó.',
        'Una restauración cancelada no deja ninguna imagen a medias.',
      ],
    },
  },
  RestoreTargetUnwritable: {
    numericCode: 770821,
    httpStatus: 507,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Restore target cannot be written',
      message: 'Writing the restored image to {path} failed: {reason}',
      recommendations: [
        'Make sure the target folder exists, is writable by this user and has room for the whole image.',
        'Choose another target with `--to` and run the restore again.',
      ],
    },
    es: {
      title: 'No se puede escribir el destino de la restauración',
      message: 'Falló la escritura de la imagen restaurada en {path}: {reason}',
      recommendations: [
        'Asegúrese de que la carpeta de destino existe, que este usuario puede escribir en ella y que cabe la imagen completa.',
        'Elija otro destino con `--to` y vuelva a ejecutar la restauración.',
      ],
    },
  },
  RepositoryKeyRemovalConflict: {
    numericCode: 770822,
    httpStatus: 409,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Key removal refused while other keys are being removed',
      message: 'Key {key} was not removed: other removals running at the same time ({removing}) could leave the repository with no key at all.',
      recommendations: [
        'Run `arca repo key list --repo LOCATION` once the other removals have finished, then remove the key again if it is still needed.',
        'A removal that was killed leaves its note in `keys-removing/` of the repository, and that key cannot be removed while the note is there: once you are sure no removal is running, delete the note `keys-removing/<key id>` and run the removal again.',
      ],
    },
    es: {
      title: 'Eliminación de clave rechazada mientras se eliminan otras',
      message: 'No se eliminó la clave {key}: otras eliminaciones en curso al mismo tiempo ({removing}) podrían dejar el repositorio sin ninguna clave.',
      recommendations: [
        'Cuando terminen las otras eliminaciones, ejecute `arca repo key list --repo UBICACIÓN` y vuelva a eliminar la clave si aún hace falta.',
        'Una eliminación interrumpida deja su aviso en `keys-removing/` del repositorio, y esa clave no se puede eliminar mientras el aviso exista: cuando esté seguro de que no hay ninguna eliminación en curso, borre el aviso `keys-removing/<id de la clave>` y vuelva a ejecutar la eliminación.',
      ],
    },
  },
});

import { defineErrors } from '../catalog-entry.ts';

/** The repository: the blob store under it, keys, packs, indexes and recovery-point manifests. */
export const repositoryErrors = defineErrors({
  RepositoryNotFound: {
    numericCode: 770800,
    httpStatus: 404,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'No repository here',
      message: 'No Arca repository was found at {location}.',
      recommendations: [
        'Check the path or URL given with `--repo`.',
        'Create a repository there with `arca repo init --repo {location}` if it is meant to be a new one.',
      ],
    },
    es: {
      title: 'No hay ningún repositorio',
      message: 'No se encontró ningún repositorio de Arca en {location}.',
      recommendations: [
        'Compruebe la ruta o la URL indicada con `--repo`.',
        'Si debe ser un repositorio nuevo, créelo con `arca repo init --repo {location}`.',
      ],
    },
  },
  RepositoryAlreadyExists: {
    numericCode: 770801,
    httpStatus: 409,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository already exists',
      message: '{location} already holds an Arca repository; it was left untouched.',
      recommendations: [
        'Use the existing repository as it is, or pick another location for a new one.',
        'Run `arca repo stats --repo {location}` to see what it holds.',
      ],
    },
    es: {
      title: 'El repositorio ya existe',
      message: '{location} ya contiene un repositorio de Arca; no se ha modificado.',
      recommendations: [
        'Use el repositorio existente tal como está o elija otra ubicación para uno nuevo.',
        'Ejecute `arca repo stats --repo {location}` para ver lo que contiene.',
      ],
    },
  },
  RepositoryWrongPassphrase: {
    numericCode: 770802,
    httpStatus: 403,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Wrong passphrase',
      message: 'None of the keys of the repository at {location} opens with the passphrase given.',
      recommendations: [
        'Check the value of `ARCA_PASSPHRASE`, or type the passphrase again when asked.',
        'If the passphrase was changed, use the new one; old keys are removed when it changes.',
        'Without a valid passphrase the data cannot be decrypted: keep passphrases in a password manager.',
      ],
    },
    es: {
      title: 'Frase de contraseña incorrecta',
      message: 'Ninguna de las claves del repositorio de {location} se abre con la frase de contraseña indicada.',
      recommendations: [
        'Compruebe el valor de `ARCA_PASSPHRASE` o vuelva a escribir la frase cuando se le pida.',
        'Si la frase se cambió, use la nueva; las claves antiguas se eliminan al cambiarla.',
        'Sin una frase válida los datos no se pueden descifrar: guarde las frases en un gestor de contraseñas.',
      ],
    },
  },
  RepositoryPassphraseMissing: {
    numericCode: 770803,
    httpStatus: 400,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Passphrase needed',
      message: 'The repository at {location} is encrypted and no passphrase was given.',
      recommendations: [
        'Set the environment variable `ARCA_PASSPHRASE`, or run the command on a terminal to be asked for it.',
        'In scripts, read the passphrase from a file only root can read, e.g. `ARCA_PASSPHRASE=$(cat /root/.arca-pass)`.',
      ],
    },
    es: {
      title: 'Se necesita la frase de contraseña',
      message: 'El repositorio de {location} está cifrado y no se indicó ninguna frase de contraseña.',
      recommendations: [
        'Defina la variable de entorno `ARCA_PASSPHRASE` o ejecute el comando en un terminal para que se le pida.',
        'En scripts, lea la frase de un archivo que solo root pueda leer, por ejemplo `ARCA_PASSPHRASE=$(cat /root/.arca-pass)`.',
      ],
    },
  },
  RepositoryVersionUnsupported: {
    numericCode: 770804,
    httpStatus: 409,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository format not supported',
      message: 'The repository at {location} uses format version {version}; this Arca reads versions {supported}.',
      recommendations: [
        'Upgrade Arca to a release that reads format {version}.',
        'Do not write to the repository with an older Arca.',
      ],
    },
    es: {
      title: 'Formato de repositorio no admitido',
      message: 'El repositorio de {location} usa la versión de formato {version}; esta versión de Arca lee las versiones {supported}.',
      recommendations: [
        'Actualice Arca a una versión que lea el formato {version}.',
        'No escriba en el repositorio con una versión anterior de Arca.',
      ],
    },
  },
  RepositoryStoreUnavailable: {
    numericCode: 770805,
    httpStatus: 503,
    retryable: true,
    phase: 'transfer',
    en: {
      title: 'Storage unavailable',
      message: 'The storage behind the repository failed to {operation} {key}: {reason}',
      recommendations: [
        'Try again; Arca already retried a few times with back-off.',
        'Check that the storage is mounted or reachable and that the server has network access to it.',
        'Run `arca repo verify --repo LOCATION` once it answers again; interrupted backups leave the repository consistent.',
      ],
    },
    es: {
      title: 'Almacenamiento no disponible',
      message: 'El almacenamiento del repositorio no pudo {operation} {key}: {reason}',
      recommendations: [
        'Vuelva a intentarlo; Arca ya reintentó varias veces con espera progresiva.',
        'Compruebe que el almacenamiento está montado o accesible y que el servidor tiene acceso de red a él.',
        'Cuando vuelva a responder, ejecute `arca repo verify --repo UBICACIÓN`; las copias interrumpidas dejan el repositorio coherente.',
      ],
    },
  },
  RepositoryStoreFull: {
    numericCode: 770806,
    httpStatus: 507,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository storage is full',
      message: 'There is no space left where the repository at {location} keeps its data.',
      recommendations: [
        'Free space on that file system or give the repository a larger one.',
        'Run `arca repo prune --repo {location}` to drop data no recovery point needs.',
        'Start the backup again: the chunks already uploaded are reused.',
      ],
    },
    es: {
      title: 'El almacenamiento del repositorio está lleno',
      message: 'No queda espacio donde el repositorio de {location} guarda sus datos.',
      recommendations: [
        'Libere espacio en ese sistema de archivos o asigne uno más grande al repositorio.',
        'Ejecute `arca repo prune --repo {location}` para eliminar datos que ningún punto de recuperación necesita.',
        'Vuelva a iniciar la copia de seguridad: los fragmentos ya subidos se reutilizan.',
      ],
    },
  },
  RepositoryPermissionDenied: {
    numericCode: 770807,
    httpStatus: 403,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'No permission on repository storage',
      message: 'Arca may not {operation} {key} in the repository storage.',
      recommendations: [
        'Run Arca as the user that owns the repository, or give that user access to it.',
        'Check the ownership and mode of the repository folder with `ls -ld`.',
      ],
    },
    es: {
      title: 'Sin permiso en el almacenamiento del repositorio',
      message: 'Arca no tiene permiso para {operation} {key} en el almacenamiento del repositorio.',
      recommendations: [
        'Ejecute Arca con el usuario propietario del repositorio o dé acceso a ese usuario.',
        'Revise el propietario y los permisos de la carpeta del repositorio con `ls -ld`.',
      ],
    },
  },
  RepositoryBlobNotFound: {
    numericCode: 770808,
    httpStatus: 404,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository object missing',
      message: 'The object {key} is not in the repository storage.',
      recommendations: [
        'Run `arca repo verify --repo LOCATION` to see which recovery points are affected.',
        'If files were deleted by hand, restore them from a copy of the storage; otherwise report the problem.',
      ],
    },
    es: {
      title: 'Falta un objeto del repositorio',
      message: 'El objeto {key} no está en el almacenamiento del repositorio.',
      recommendations: [
        'Ejecute `arca repo verify --repo UBICACIÓN` para ver qué puntos de recuperación se ven afectados.',
        'Si se borraron archivos a mano, recupérelos de una copia del almacenamiento; si no, informe del problema.',
      ],
    },
  },
  RepositoryBlobExists: {
    numericCode: 770809,
    httpStatus: 409,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository object already exists',
      message: 'The object {key} already exists and is never overwritten.',
      recommendations: [
        'Run the operation again; it picks a new name.',
        'If this repeats, run `arca repo verify --repo LOCATION` and report the problem.',
      ],
    },
    es: {
      title: 'El objeto del repositorio ya existe',
      message: 'El objeto {key} ya existe y nunca se sobrescribe.',
      recommendations: [
        'Vuelva a ejecutar la operación; elegirá un nombre nuevo.',
        'Si se repite, ejecute `arca repo verify --repo UBICACIÓN` e informe del problema.',
      ],
    },
  },
  RepositoryDataCorrupt: {
    numericCode: 770810,
    httpStatus: 500,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Corrupt data in repository',
      message: 'Pack {pack} failed its integrity check ({detail}). Recovery points affected: {points}.',
      recommendations: [
        'Do not prune until this is understood: run `arca repo verify --repo LOCATION -o json` and keep its report.',
        'Check the storage hardware (`dmesg`, SMART) for the cause.',
        'Take a new backup of the affected machines now: new backups write fresh copies of damaged chunks.',
      ],
    },
    es: {
      title: 'Datos dañados en el repositorio',
      message: 'El paquete {pack} no superó la comprobación de integridad ({detail}). Puntos de recuperación afectados: {points}.',
      recommendations: [
        'No ejecute prune hasta entender el problema: ejecute `arca repo verify --repo UBICACIÓN -o json` y guarde su informe.',
        'Revise el hardware de almacenamiento (`dmesg`, SMART) para encontrar la causa.',
        'Haga ahora una copia nueva de las máquinas afectadas: las copias nuevas escriben otra vez los fragmentos dañados.',
      ],
    },
  },
  RepositoryChunkMissing: {
    numericCode: 770811,
    httpStatus: 500,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Data missing from repository',
      message: 'Chunk {chunk} is needed by recovery points {points} but no pack holds it.',
      recommendations: [
        'Run `arca repo verify --repo LOCATION -o json` for the full list of missing data.',
        'Take a new backup of the affected machines; it uploads the missing chunks again.',
        'Recovery points that stay incomplete cannot be restored in full; delete them once a new backup exists.',
      ],
    },
    es: {
      title: 'Faltan datos en el repositorio',
      message: 'Los puntos de recuperación {points} necesitan el fragmento {chunk}, pero ningún paquete lo contiene.',
      recommendations: [
        'Ejecute `arca repo verify --repo UBICACIÓN -o json` para ver la lista completa de datos que faltan.',
        'Haga una copia nueva de las máquinas afectadas; volverá a subir los fragmentos que faltan.',
        'Los puntos que sigan incompletos no se pueden restaurar por completo; elimínelos cuando exista una copia nueva.',
      ],
    },
  },
  RepositoryMetadataCorrupt: {
    numericCode: 770812,
    httpStatus: 500,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Corrupt repository metadata',
      message: 'The repository file {key} cannot be read: {detail}',
      recommendations: [
        'Run `arca repo verify --repo LOCATION` to find what else is affected.',
        'Index files can be rebuilt from the packs: run `arca repo verify --repo LOCATION --rebuild-index`.',
      ],
    },
    es: {
      title: 'Metadatos del repositorio dañados',
      message: 'No se puede leer el archivo del repositorio {key}: {detail}',
      recommendations: [
        'Ejecute `arca repo verify --repo UBICACIÓN` para saber qué más está afectado.',
        'Los índices se pueden reconstruir a partir de los paquetes: ejecute `arca repo verify --repo UBICACIÓN --rebuild-index`.',
      ],
    },
  },
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
});

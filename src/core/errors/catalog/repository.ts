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
});

import { defineErrors } from '../catalog-entry.ts';

/** What the vault checks before and around a backup: the item, the machine, keys, policies, other vaults. */
export const vaultErrors = defineErrors({
  UserErrorKeyvaultPermissionsNotConfigured: {
    numericCode: 770500,
    httpStatus: 403,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'No access to the key vault',
      message: 'The vault has no permission on key vault {keyVault}, which holds the keys of encrypted machine {vmName}. Without it Arca cannot back up the disk keys (BEK and KEK) together with the data, so it does not back up the machine.',
      recommendations: [
        'Give the vault\'s identity read access to the keys and secrets with `arca keyvault set-policy --vault {keyVault} --object-id ID`.',
        'Run `arca doctor --vm {vmName}`; its key vault check should now pass.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Sin acceso al almacén de claves',
      message: 'El almacén no tiene permisos en el almacén de claves {keyVault}, que guarda las claves de la máquina cifrada {vmName}. Sin ellos Arca no puede hacer copia de seguridad de las claves de disco (BEK y KEK) junto con los datos, así que no hace copia de seguridad de la máquina.',
      recommendations: [
        'Conceda a la identidad del almacén acceso de lectura a las claves y los secretos con `arca keyvault set-policy --vault {keyVault} --object-id ID`.',
        'Ejecute `arca doctor --vm {vmName}`; su comprobación del almacén de claves debe ser ahora correcta.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorEncryptedVmBekOnly: {
    numericCode: 770501,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Machine encrypted with a BEK only',
      message: '{vmName} is encrypted with disk encryption keys (BEK) that are not wrapped by a key-encryption key (KEK). Arca protects encrypted machines only when both a BEK and a KEK are used.',
      recommendations: [
        'Encrypt the machine\'s disks again so that each BEK is wrapped by a KEK kept in the key vault.',
        'Give the vault access to that key vault with `arca keyvault set-policy --vault KV --object-id ID`.',
        'Enable protection with `arca protection enable --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Máquina cifrada solo con BEK',
      message: '{vmName} está cifrada con claves de cifrado de disco (BEK) que no están protegidas por una clave de cifrado de claves (KEK). Arca solo protege máquinas cifradas cuando se usan una BEK y una KEK.',
      recommendations: [
        'Vuelva a cifrar los discos de la máquina de modo que cada BEK quede protegida por una KEK guardada en el almacén de claves.',
        'Conceda al almacén acceso a ese almacén de claves con `arca keyvault set-policy --vault KV --object-id ID`.',
        'Habilite la protección con `arca protection enable --vm {vmName}`.',
      ],
    },
  },
  UserErrorCrpReportedUserError: {
    numericCode: 770502,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'The machine reported an error',
      message: 'The backup of {vmName} failed because of an error the machine or one of its extensions reported: {detail}',
      recommendations: [
        'Find the failed job with `arca jobs list --vm {vmName}` and open it with `arca jobs show JOB_ID`; its error details carry the underlying code.',
        'Look that code up with `arca errors show CODE` and follow its steps.',
        'Run `arca backup now --vm {vmName}` once the cause is fixed.',
      ],
    },
    es: {
      title: 'La máquina notificó un error',
      message: 'La copia de seguridad de {vmName} falló por un error que notificó la máquina o una de sus extensiones: {detail}',
      recommendations: [
        'Localice el trabajo con errores con `arca jobs list --vm {vmName}` y ábralo con `arca jobs show ID_TRABAJO`; los detalles del error incluyen el código subyacente.',
        'Consulte ese código con `arca errors show CÓDIGO` y siga sus pasos.',
        'Ejecute `arca backup now --vm {vmName}` cuando haya corregido la causa.',
      ],
    },
  },
  UserErrorBcmDatasourceNotPresent: {
    numericCode: 770503,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Machine not actively protected',
      message: '{vmName} is not actively protected by this vault: protection was never enabled for it, or it has been stopped.',
      recommendations: [
        'Check its protection state with `arca vm show {vmName}`.',
        'If protection was stopped with its data kept, resume it with `arca protection resume --vm {vmName}`; if it was never enabled, run `arca protection enable --vm {vmName}`.',
        'Run the operation again.',
      ],
    },
    es: {
      title: 'La máquina no está protegida activamente',
      message: '{vmName} no está protegida activamente por este almacén: nunca se habilitó su protección o se ha detenido.',
      recommendations: [
        'Compruebe su estado de protección con `arca vm show {vmName}`.',
        'Si la protección se detuvo conservando los datos, reanúdela con `arca protection resume --vm {vmName}`; si nunca se habilitó, ejecute `arca protection enable --vm {vmName}`.',
        'Vuelva a ejecutar la operación.',
      ],
    },
  },
  UserErrorVmNotInDesirableState: {
    numericCode: 770504,
    httpStatus: 409,
    retryable: true,
    phase: 'vault',
    en: {
      title: 'Machine state does not allow backup',
      message: '{vmName} is {state}, a state in which it cannot be backed up. A machine that is starting, stopping or being updated is backed up only once it has settled as running or stopped.',
      recommendations: [
        'Check the state with `arca vm show {vmName}`; if it is changing, wait until it is running or stopped.',
        'On the machine, finish any pending operating system updates and restart it if a restart is pending.',
        'If SELinux is enforcing, make sure its policy lets the agent install the VMSnapshot extension under `/var/lib/arca`; `arca doctor` reports denials.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'El estado de la máquina no permite la copia de seguridad',
      message: '{vmName} está en estado {state}, en el que no se puede hacer copia de seguridad. Una máquina que se está iniciando, deteniendo o actualizando no admite copias de seguridad hasta que queda en ejecución o detenida.',
      recommendations: [
        'Compruebe el estado con `arca vm show {vmName}`; si está cambiando, espere a que quede en ejecución o detenida.',
        'En la máquina, termine las actualizaciones pendientes del sistema operativo y reiníciela si hay un reinicio pendiente.',
        'Si SELinux está en modo enforcing, asegúrese de que su directiva permite al agente instalar la extensión VMSnapshot en `/var/lib/arca`; `arca doctor` informa de las denegaciones.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorRequestDisallowedByPolicy: {
    numericCode: 770505,
    httpStatus: 403,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Blocked by a policy',
      message: 'Policy {policy} refuses an operation the backup of {vmName} needs, such as creating its restore point collection in AzureBackupRG_<region>_<n> or taking the snapshot.',
      recommendations: [
        'Read what the policy denies with `arca policy show {policy}`.',
        'Change the policy, or exempt the AzureBackupRG_<region>_<n> resource group from it, so that restore point collections and snapshots are allowed.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Bloqueado por una directiva',
      message: 'La directiva {policy} rechaza una operación que necesita la copia de seguridad de {vmName}, como crear su colección de puntos de restauración en AzureBackupRG_<region>_<n> o tomar la instantánea.',
      recommendations: [
        'Consulte lo que deniega la directiva con `arca policy show {policy}`.',
        'Modifique la directiva, o excluya de ella el grupo de recursos AzureBackupRG_<region>_<n>, para que se permitan las colecciones de puntos de restauración y las instantáneas.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorSkuNotAvailable: {
    numericCode: 770506,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Machine size not available',
      message: 'A new machine cannot be created from the backup of {vmName} because size {sku} is not available in the target.',
      recommendations: [
        'Restore the disks instead with `arca restore --vm {vmName} --rp RP_ID --type RestoreDisks`.',
        'Create a machine of an available size from the restored disks.',
        'Check the target\'s limits with `arca quota show` before you try again.',
      ],
    },
    es: {
      title: 'Tamaño de máquina no disponible',
      message: 'No se puede crear una máquina nueva a partir de la copia de seguridad de {vmName} porque el tamaño {sku} no está disponible en el destino.',
      recommendations: [
        'Restaure en su lugar los discos con `arca restore --vm {vmName} --rp ID_PUNTO --type RestoreDisks`.',
        'Cree una máquina de un tamaño disponible a partir de los discos restaurados.',
        'Compruebe los límites del destino con `arca quota show` antes de volver a intentarlo.',
      ],
    },
  },
  UserErrorMarketPlaceVMNotSupported: {
    numericCode: 770507,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Marketplace machine cannot be recreated',
      message: '{vmName} was created from a marketplace image with a purchase plan, and a new machine cannot be created with that plan in the target.',
      recommendations: [
        'Restore the disks with `arca restore --vm {vmName} --rp RP_ID --type RestoreDisks` and create the machine from them, giving it the image\'s plan yourself.',
        'Or, if the original machine still exists, restore over it with `--type OriginalLocation`; it keeps its plan.',
        'Check either choice first by adding `--validate-only` to the same command.',
      ],
    },
    es: {
      title: 'No se puede volver a crear una máquina de Marketplace',
      message: '{vmName} se creó a partir de una imagen de Marketplace con un plan de compra, y no se puede crear una máquina nueva con ese plan en el destino.',
      recommendations: [
        'Restaure los discos con `arca restore --vm {vmName} --rp ID_PUNTO --type RestoreDisks` y cree la máquina a partir de ellos, indicando usted el plan de la imagen.',
        'O bien, si la máquina original sigue existiendo, restaure sobre ella con `--type OriginalLocation`; conserva su plan.',
        'Compruebe antes cualquiera de las dos opciones añadiendo `--validate-only` al mismo comando.',
      ],
    },
  },
  ResourceNotFound: {
    numericCode: 320001,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Resource not found',
      message: 'The resource {resourceId} does not exist. If it is a protected machine, the machine was most likely deleted after its protection was enabled.',
      recommendations: [
        'Check the id; `arca vm list` lists the machines the vault knows.',
        'If a protected machine was deleted but should exist, recreate it with the same name in the same resource group.',
        'Otherwise stop its protection with `arca protection stop --vm NAME`, which keeps the recovery points, or with `--delete-data` to delete them.',
      ],
    },
    es: {
      title: 'No se encontró el recurso',
      message: 'El recurso {resourceId} no existe. Si se trata de una máquina protegida, lo más probable es que se eliminara después de habilitar su protección.',
      recommendations: [
        'Revise el identificador; `arca vm list` muestra las máquinas que conoce el almacén.',
        'Si se eliminó una máquina protegida que debe existir, vuelva a crearla con el mismo nombre en el mismo grupo de recursos.',
        'En caso contrario, detenga su protección con `arca protection stop --vm NOMBRE`, que conserva los puntos de recuperación, o con `--delete-data` para eliminarlos.',
      ],
    },
  },
  BCMV2VMNotFound: {
    numericCode: 400094,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Protected machine no longer exists',
      message: 'The virtual machine {vmName} no longer exists, but its protection is still active, so its scheduled backups keep failing. Its recovery points are kept, and the latest one is never removed while the machine is missing.',
      recommendations: [
        'If the machine should still exist, recreate it with the same name in the same resource group; its backups then continue.',
        'Otherwise stop the backups with `arca protection stop --vm {vmName}`; the recovery points remain and can still be restored.',
        'Delete the data only when you no longer need it, with `arca protection stop --vm {vmName} --delete-data`; soft delete keeps it 14 more days.',
      ],
    },
    es: {
      title: 'La máquina protegida ya no existe',
      message: 'La máquina virtual {vmName} ya no existe, pero su protección sigue activa, así que sus copias de seguridad programadas siguen fallando. Sus puntos de recuperación se conservan, y el más reciente no se elimina nunca mientras falte la máquina.',
      recommendations: [
        'Si la máquina debe seguir existiendo, vuelva a crearla con el mismo nombre en el mismo grupo de recursos; sus copias de seguridad continúan entonces.',
        'En caso contrario, detenga las copias de seguridad con `arca protection stop --vm {vmName}`; los puntos de recuperación se mantienen y se pueden seguir restaurando.',
        'Elimine los datos solo cuando ya no los necesite, con `arca protection stop --vm {vmName} --delete-data`; la eliminación temporal los conserva 14 días más.',
      ],
    },
  },
  AzureVmOffline: {
    numericCode: 380008,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Machine not running',
      message: 'The VMSnapshot extension cannot be installed on {vmName} because the machine is not running or its agent is not reporting. The agent installs the extension, so the machine must be running with its agent Ready.',
      recommendations: [
        'Start the machine and check with `arca vm show {vmName}` that it is running and its agent is Ready.',
        'If it is running but the vault still shows it as stopped, or the agent never appears, check the agent on the machine with `sudo systemctl status arca-agent`; register it with a token from `arca agent token create --vm {vmName}` if it was never registered.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'La máquina no está en ejecución',
      message: 'No se puede instalar la extensión VMSnapshot en {vmName} porque la máquina no está en ejecución o su agente no informa. La extensión la instala el agente, así que la máquina debe estar en ejecución con su agente en estado Ready.',
      recommendations: [
        'Inicie la máquina y compruebe con `arca vm show {vmName}` que está en ejecución y que su agente está en estado Ready.',
        'Si está en ejecución pero el almacén la sigue mostrando detenida, o el agente no aparece nunca, compruebe el agente en la máquina con `sudo systemctl status arca-agent`; regístrelo con un token de `arca agent token create --vm {vmName}` si nunca se registró.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorVmAlreadyProtectedInAnotherVault: {
    numericCode: 770508,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Machine protected by another vault',
      message: '{vmName} is already protected by vault {otherVault}. A machine can be protected by only one vault at a time.',
      recommendations: [
        'Look for jobs still running in the other vault with `arca jobs list --vault {otherVault} --vm {vmName}`, and let them finish or cancel them.',
        'Stop protection there with `arca protection stop --vault {otherVault} --vm {vmName}`, keeping or deleting its data as you need.',
        'Enable protection in this vault with `arca protection enable --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Máquina protegida por otro almacén',
      message: '{vmName} ya está protegida por el almacén {otherVault}. Una máquina solo puede estar protegida por un almacén a la vez.',
      recommendations: [
        'Busque trabajos que sigan en curso en el otro almacén con `arca jobs list --vault {otherVault} --vm {vmName}` y deje que terminen o cancélelos.',
        'Detenga allí la protección con `arca protection stop --vault {otherVault} --vm {vmName}`, conservando o eliminando sus datos según necesite.',
        'Habilite la protección en este almacén con `arca protection enable --vm {vmName}`.',
      ],
    },
  },
  UserErrorItemSoftDeleted: {
    numericCode: 770509,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Backup item in soft delete',
      message: 'The backup data of {itemName} was deleted and is held in soft delete until {purgeDate}. While it is in that state it cannot be backed up or protected again.',
      recommendations: [
        'Restore the item from soft delete with `arca protection undelete --vm {itemName}`.',
        'Resume its backups with `arca protection resume --vm {itemName}`.',
        'If you leave it, the data is purged for good on {purgeDate}; soft delete keeps deleted data for 14 days.',
      ],
    },
    es: {
      title: 'Elemento de copia de seguridad en eliminación temporal',
      message: 'Los datos de copia de seguridad de {itemName} se eliminaron y se conservan en eliminación temporal hasta {purgeDate}. Mientras estén en ese estado no se puede hacer copia de seguridad del elemento ni volver a protegerlo.',
      recommendations: [
        'Recupere el elemento de la eliminación temporal con `arca protection undelete --vm {itemName}`.',
        'Reanude sus copias de seguridad con `arca protection resume --vm {itemName}`.',
        'Si no lo recupera, los datos se purgan definitivamente el {purgeDate}; la eliminación temporal conserva los datos eliminados durante 14 días.',
      ],
    },
  },
});

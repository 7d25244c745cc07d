import { defineErrors } from '../catalog-entry.ts';

/** Restoring a recovery point: validation of the target and creation of the machine or disks. */
export const restoreErrors = defineErrors({
  RestoreFailedInternalError: {
    numericCode: 770600,
    httpStatus: 500,
    retryable: true,
    phase: 'restore',
    en: {
      title: 'Restore failed with an internal error',
      message: 'The restore of {vmName} failed with an internal error while the restored resources were being created.',
      recommendations: [
        'Run the same `arca restore` command with `--validate-only` added and correct anything it reports.',
        'Try the restore again.',
        'If it fails again, read the error details with `arca jobs show JOB_ID` and, if they do not point to a cause, report them with the job id.',
      ],
    },
    es: {
      title: 'La restauración falló por un error interno',
      message: 'La restauración de {vmName} falló por un error interno mientras se creaban los recursos restaurados.',
      recommendations: [
        'Ejecute el mismo comando `arca restore` añadiendo `--validate-only` y corrija lo que indique.',
        'Vuelva a intentar la restauración.',
        'Si vuelve a fallar, consulte los detalles del error con `arca jobs show ID_TRABAJO` y, si no apuntan a una causa, informe de ellos junto con el identificador del trabajo.',
      ],
    },
  },
  UserErrorRestoreNetworkConfigurationNotSupported: {
    numericCode: 770601,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Network setup cannot be recreated',
      message: 'The machine {vmName} cannot be recreated with its network setup: {reason}. Machines behind a load balancer, or with several network interfaces or reserved addresses, are not rebuilt by a machine restore.',
      recommendations: [
        'Restore the disks with `arca restore --vm {vmName} --rp RP_ID --type RestoreDisks`.',
        'Create the machine from the restored disks yourself and attach its network interfaces, reserved addresses and load balancer afterwards.',
        'Check the restore first by adding `--validate-only` to the same command.',
      ],
    },
    es: {
      title: 'No se puede volver a crear la configuración de red',
      message: 'No se puede volver a crear la máquina {vmName} con su configuración de red: {reason}. Una restauración de máquina no reconstruye las máquinas que están detrás de un equilibrador de carga ni las que tienen varias interfaces de red o direcciones reservadas.',
      recommendations: [
        'Restaure los discos con `arca restore --vm {vmName} --rp ID_PUNTO --type RestoreDisks`.',
        'Cree usted la máquina a partir de los discos restaurados y conecte después sus interfaces de red, sus direcciones reservadas y su equilibrador de carga.',
        'Compruebe antes la restauración añadiendo `--validate-only` al mismo comando.',
      ],
    },
  },
  UserErrorDnsNameAlreadyExists: {
    numericCode: 770602,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'DNS name already in use',
      message: 'The DNS name {dnsName} chosen for the restored machine is already taken; DNS names must be unique.',
      recommendations: [
        'Choose another DNS name for the restored machine.',
        'Check it by adding `--validate-only` to the same `arca restore` command, then run the restore.',
        'Or restore only the disks with `--type RestoreDisks`; no DNS name is needed until you create a machine from them.',
      ],
    },
    es: {
      title: 'El nombre DNS ya está en uso',
      message: 'El nombre DNS {dnsName} elegido para la máquina restaurada ya está ocupado; los nombres DNS deben ser únicos.',
      recommendations: [
        'Elija otro nombre DNS para la máquina restaurada.',
        'Compruébelo añadiendo `--validate-only` al mismo comando `arca restore` y, después, ejecute la restauración.',
        'O restaure solo los discos con `--type RestoreDisks`; no hace falta un nombre DNS hasta que cree una máquina a partir de ellos.',
      ],
    },
  },
  UserErrorInvalidVirtualNetworkConfiguration: {
    numericCode: 770603,
    httpStatus: 400,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Invalid virtual network configuration',
      message: 'The virtual network configuration given for the restore does not fit {vnet}: {reason}',
      recommendations: [
        'Inspect the network with `arca vnet show {vnet}`.',
        'Choose a virtual network and subnet that exist in the target and suit the machine, and check them by adding `--validate-only` to the restore command.',
        'Run the restore again with the corrected network.',
      ],
    },
    es: {
      title: 'Configuración de red virtual no válida',
      message: 'La configuración de red virtual indicada para la restauración no encaja con {vnet}: {reason}',
      recommendations: [
        'Examine la red con `arca vnet show {vnet}`.',
        'Elija una red virtual y una subred que existan en el destino y sean adecuadas para la máquina, y compruébelas añadiendo `--validate-only` al comando de restauración.',
        'Vuelva a ejecutar la restauración con la red corregida.',
      ],
    },
  },
  UserErrorReservedIpMismatch: {
    numericCode: 770604,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Reserved IP address does not match',
      message: 'The target {target} uses a reserved IP address that does not match the network configuration of the machine being restored.',
      recommendations: [
        'Restore into a target that does not use a reserved IP address.',
        'Or pick another recovery point whose network configuration matches {target}; `arca rp list --vm NAME` lists them.',
        'Check the choice by adding `--validate-only` to the restore command before running it.',
      ],
    },
    es: {
      title: 'La dirección IP reservada no coincide',
      message: 'El destino {target} usa una dirección IP reservada que no coincide con la configuración de red de la máquina que se está restaurando.',
      recommendations: [
        'Restaure en un destino que no use una dirección IP reservada.',
        'O elija otro punto de recuperación cuya configuración de red coincida con {target}; `arca rp list --vm NOMBRE` los muestra.',
        'Compruebe la elección añadiendo `--validate-only` al comando de restauración antes de ejecutarlo.',
      ],
    },
  },
  UserErrorEndpointLimitReached: {
    numericCode: 770605,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Endpoint limit reached',
      message: 'The target {target} already has as many endpoints as it allows, so the restored machine cannot add its own.',
      recommendations: [
        'Restore into another target, or have the restored machine use one of the existing endpoints of {target}.',
        'Remove endpoints of {target} that are no longer needed.',
        'Check the restore by adding `--validate-only` to the command, then run it.',
      ],
    },
    es: {
      title: 'Se alcanzó el límite de puntos de conexión',
      message: 'El destino {target} ya tiene tantos puntos de conexión como permite, así que la máquina restaurada no puede añadir los suyos.',
      recommendations: [
        'Restaure en otro destino, o haga que la máquina restaurada use uno de los puntos de conexión existentes de {target}.',
        'Quite los puntos de conexión de {target} que ya no se necesiten.',
        'Compruebe la restauración añadiendo `--validate-only` al comando y, después, ejecútela.',
      ],
    },
  },
  UserErrorStorageAccountRegionMismatch: {
    numericCode: 770606,
    httpStatus: 400,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Storage account in another region',
      message: 'Storage account {storageAccount} is in {accountRegion}, but the vault is in {vaultRegion}. The storage account used by a restore must be in the vault\'s region.',
      recommendations: [
        'Confirm the account\'s region with `arca storage-account show {storageAccount}`.',
        'Choose a storage account in {vaultRegion}, or create one there, and run the restore with it.',
        'Check the new choice first by adding `--validate-only` to the restore command.',
      ],
    },
    es: {
      title: 'Cuenta de almacenamiento en otra región',
      message: 'La cuenta de almacenamiento {storageAccount} está en {accountRegion}, pero el almacén está en {vaultRegion}. La cuenta de almacenamiento que usa una restauración debe estar en la región del almacén.',
      recommendations: [
        'Confirme la región de la cuenta con `arca storage-account show {storageAccount}`.',
        'Elija una cuenta de almacenamiento de {vaultRegion}, o cree una allí, y ejecute la restauración con ella.',
        'Compruebe antes la nueva elección añadiendo `--validate-only` al comando de restauración.',
      ],
    },
  },
  UserErrorUnsupportedStorageAccountType: {
    numericCode: 770607,
    httpStatus: 400,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Storage account type not supported',
      message: 'Storage account {storageAccount} is of type {sku}. A restore can use only a standard storage account with locally redundant (LRS) or geo-redundant (GRS) replication.',
      recommendations: [
        'Check the account\'s type with `arca storage-account show {storageAccount}`.',
        'Choose a standard LRS or GRS storage account in the vault\'s region, and check it by adding `--validate-only` to the restore command.',
        'Run the restore with that account.',
      ],
    },
    es: {
      title: 'Tipo de cuenta de almacenamiento no admitido',
      message: 'La cuenta de almacenamiento {storageAccount} es de tipo {sku}. Una restauración solo puede usar una cuenta de almacenamiento estándar con replicación localmente redundante (LRS) o con redundancia geográfica (GRS).',
      recommendations: [
        'Compruebe el tipo de la cuenta con `arca storage-account show {storageAccount}`.',
        'Elija una cuenta de almacenamiento estándar LRS o GRS de la región del almacén y compruébela añadiendo `--validate-only` al comando de restauración.',
        'Ejecute la restauración con esa cuenta.',
      ],
    },
  },
  UserErrorStorageAccountOffline: {
    numericCode: 770608,
    httpStatus: 503,
    retryable: true,
    phase: 'restore',
    en: {
      title: 'Storage account offline',
      message: 'Storage account {storageAccount} is not online, so the restore cannot write to it. A transient storage fault or an outage can cause this.',
      recommendations: [
        'Check the account\'s state with `arca storage-account show {storageAccount}`.',
        'Wait until it is online again and retry the restore.',
        'If it stays offline, run the restore with another standard storage account in the vault\'s region.',
      ],
    },
    es: {
      title: 'Cuenta de almacenamiento sin conexión',
      message: 'La cuenta de almacenamiento {storageAccount} no está en línea, así que la restauración no puede escribir en ella. Puede deberse a un error transitorio del almacenamiento o a una interrupción del servicio.',
      recommendations: [
        'Compruebe el estado de la cuenta con `arca storage-account show {storageAccount}`.',
        'Espere a que vuelva a estar en línea y repita la restauración.',
        'Si sigue sin conexión, ejecute la restauración con otra cuenta de almacenamiento estándar de la región del almacén.',
      ],
    },
  },
  UserErrorResourceGroupQuotaExceeded: {
    numericCode: 770609,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Resource group quota reached',
      message: 'The restore cannot create a virtual machine in resource group {resourceGroup}: the group already holds {current} machines and its quota allows {limit}.',
      recommendations: [
        'See the quota and its current use with `arca quota show --resource-group {resourceGroup}`.',
        'Delete machines of {resourceGroup} that are no longer needed, or ask the Arca administrator to raise its quota.',
        'Or restore into another resource group, or restore only the disks with `--type RestoreDisks`.',
      ],
    },
    es: {
      title: 'Se alcanzó la cuota del grupo de recursos',
      message: 'La restauración no puede crear una máquina virtual en el grupo de recursos {resourceGroup}: el grupo ya tiene {current} máquinas y su cuota permite {limit}.',
      recommendations: [
        'Consulte la cuota y su uso actual con `arca quota show --resource-group {resourceGroup}`.',
        'Elimine las máquinas de {resourceGroup} que ya no necesite o pida al administrador de Arca que aumente su cuota.',
        'O restaure en otro grupo de recursos, o restaure solo los discos con `--type RestoreDisks`.',
      ],
    },
  },
  UserErrorSubnetNotFound: {
    numericCode: 770610,
    httpStatus: 404,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Subnet not found',
      message: 'The subnet {subnet} does not exist in virtual network {vnet}.',
      recommendations: [
        'List the subnets of the network with `arca vnet show {vnet}`.',
        'Choose an existing subnet, or create {subnet} in {vnet}, and check it by adding `--validate-only` to the restore command.',
        'Run the restore again.',
      ],
    },
    es: {
      title: 'No se encontró la subred',
      message: 'La subred {subnet} no existe en la red virtual {vnet}.',
      recommendations: [
        'Muestre las subredes de la red con `arca vnet show {vnet}`.',
        'Elija una subred existente, o cree {subnet} en {vnet}, y compruébela añadiendo `--validate-only` al comando de restauración.',
        'Vuelva a ejecutar la restauración.',
      ],
    },
  },
  UserErrorRestoreNotAuthorized: {
    numericCode: 770611,
    httpStatus: 403,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Not authorized on the restore target',
      message: 'The backup service is not authorized to create resources in {target}.',
      recommendations: [
        'Ask an owner of {target} to give the vault\'s identity the right to create machines there, then run the restore again.',
        'Or restore only the disks with `--type RestoreDisks` into a location the vault may write to.',
        'Then create the machine from the restored disks with your own account.',
      ],
    },
    es: {
      title: 'Sin autorización en el destino de la restauración',
      message: 'El servicio de copia de seguridad no tiene autorización para crear recursos en {target}.',
      recommendations: [
        'Pida a un propietario de {target} que conceda a la identidad del almacén permiso para crear máquinas allí y, después, vuelva a ejecutar la restauración.',
        'O restaure solo los discos con `--type RestoreDisks` en una ubicación en la que el almacén pueda escribir.',
        'Después, cree la máquina a partir de los discos restaurados con su propia cuenta.',
      ],
    },
  },
  UserErrorInstantRpNotFound: {
    numericCode: 770612,
    httpStatus: 404,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Instant-restore snapshot no longer available',
      message: 'The instant-restore snapshot of recovery point {recoveryPointId} of {vmName} is no longer there: it expired or was deleted. The point can still be restored from the vault tier if it is kept there.',
      recommendations: [
        'Run `arca rp list --vm {vmName}` to see which tiers still hold {recoveryPointId}.',
        'If the vault tier holds it, restore from there with `arca restore --vm {vmName} --rp {recoveryPointId} --type RestoreDisks`; it takes longer than an instant restore.',
        'Otherwise choose another recovery point from the list.',
      ],
    },
    es: {
      title: 'La instantánea para restauración instantánea ya no está disponible',
      message: 'La instantánea del punto de recuperación {recoveryPointId} de {vmName}, que permitía la restauración instantánea, ya no existe: caducó o se eliminó. El punto aún se puede restaurar desde el nivel del almacén si se conserva allí.',
      recommendations: [
        'Ejecute `arca rp list --vm {vmName}` para ver qué niveles conservan todavía {recoveryPointId}.',
        'Si lo conserva el nivel del almacén, restáurelo desde allí con `arca restore --vm {vmName} --rp {recoveryPointId} --type RestoreDisks`; tarda más que una restauración instantánea.',
        'En caso contrario, elija otro punto de recuperación de la lista.',
      ],
    },
  },
  UserErrorRecoveryPointNotFound: {
    numericCode: 770613,
    httpStatus: 404,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Recovery point not found',
      message: 'Vault {vaultName} has no recovery point {recoveryPointId} of {vmName}. It may never have existed, or retention may have removed it.',
      recommendations: [
        'List the recovery points that remain with `arca rp list --vm {vmName}`.',
        'Choose one of them and run the restore again with its id.',
      ],
    },
    es: {
      title: 'No se encontró el punto de recuperación',
      message: 'El almacén {vaultName} no tiene ningún punto de recuperación {recoveryPointId} de {vmName}. Puede que nunca existiera o que la retención lo haya eliminado.',
      recommendations: [
        'Muestre los puntos de recuperación que quedan con `arca rp list --vm {vmName}`.',
        'Elija uno de ellos y vuelva a ejecutar la restauración con su identificador.',
      ],
    },
  },
  UserErrorRecoveryPointNotInVault: {
    numericCode: 770614,
    httpStatus: 409,
    retryable: true,
    phase: 'restore',
    en: {
      title: 'Recovery point not yet in the vault',
      message: 'Recovery point {recoveryPointId} of {vmName} is still only a snapshot on the machine: its data has not reached the vault yet. The vault restores from its own copy; restoring straight from the snapshot is done by the machine\'s agent.',
      recommendations: [
        'Follow the backup job that creates the point with `arca jobs list --vm {vmName}`; once "Transfer data to vault" has completed, run the restore again.',
        'If that job failed, choose an earlier point from `arca rp list --vm {vmName}`.',
      ],
    },
    es: {
      title: 'El punto de recuperación aún no está en el almacén',
      message: 'El punto de recuperación {recoveryPointId} de {vmName} todavía es solo una instantánea en la máquina: sus datos aún no han llegado al almacén. El almacén restaura desde su propia copia; la restauración directa desde la instantánea la hace el agente de la máquina.',
      recommendations: [
        'Siga el trabajo de copia de seguridad que crea el punto con `arca jobs list --vm {vmName}`; cuando "Transfer data to vault" haya terminado, vuelva a ejecutar la restauración.',
        'Si ese trabajo falló, elija un punto anterior de `arca rp list --vm {vmName}`.',
      ],
    },
  },
  UserErrorRestoreTargetVmRunning: {
    numericCode: 770615,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Machine must be stopped to restore over it',
      message: '{vmName} is {state}. A restore to the original location replaces the machine\'s disks, which Arca does only while the machine is stopped or deallocated.',
      recommendations: [
        'Stop the machine with `arca vm stop {vmName}` (or deallocate it) and wait until `arca vm show {vmName}` reports it stopped.',
        'Run the restore again.',
        'Or leave the machine running and restore to another machine with `--type AlternateLocation`, or only the disks with `--type RestoreDisks`.',
      ],
    },
    es: {
      title: 'La máquina debe estar detenida para restaurar sobre ella',
      message: '{vmName} está en estado {state}. Una restauración en la ubicación original sustituye los discos de la máquina, y Arca solo lo hace con la máquina detenida o desasignada.',
      recommendations: [
        'Detenga la máquina con `arca vm stop {vmName}` (o desasígnela) y espere a que `arca vm show {vmName}` la muestre detenida.',
        'Vuelva a ejecutar la restauración.',
        'O deje la máquina en ejecución y restaure en otra máquina con `--type AlternateLocation`, o solo los discos con `--type RestoreDisks`.',
      ],
    },
  },
  UserErrorRestorePointOfAnotherMachine: {
    numericCode: 770616,
    httpStatus: 403,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Recovery point belongs to another machine',
      message: 'Machine {machineId} asked to read recovery point {point}, which was backed up from another machine. An agent reads only the points of its own machine, and only while a restore of that point runs on it.',
      recommendations: [
        'Check that the agent on this machine was registered with its own credentials (`arca agent register` on each machine, never a copied credentials file).',
        'Start the restore from the vault with `arca restore --vm VM_NAME --rp RP_ID --type OriginalLocation`; the vault hands the right point to the right machine.',
        'If the refusal persists, report it with the request id shown here.',
      ],
    },
    es: {
      title: 'El punto de recuperación pertenece a otra máquina',
      message: 'La máquina {machineId} pidió leer el punto de recuperación {point}, que se copió desde otra máquina. Un agente solo lee los puntos de su propia máquina, y solo mientras se restaura ese punto en ella.',
      recommendations: [
        'Compruebe que el agente de esta máquina se registró con sus propias credenciales (`arca agent register` en cada máquina, nunca un fichero de credenciales copiado).',
        'Inicie la restauración desde el almacén con `arca restore --vm NOMBRE_VM --rp ID_PUNTO --type OriginalLocation`; el almacén entrega cada punto a su máquina.',
        'Si el rechazo continúa, infórmelo junto con el id de petición que se muestra aquí.',
      ],
    },
  },
  RestoreReadNoOpenTask: {
    numericCode: 770617,
    httpStatus: 403,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'No restore of this point is running on the machine',
      message: 'Machine {machineId} may read recovery point {point} from the vault only while a restore task of that point is pending or running on it, and none is. The task ended, was called off, or was never asked.',
      recommendations: [
        'Look at the restore job with `arca jobs list --vm VM_NAME`: a failed or timed-out job closes the reading of its point.',
        'Start the restore again with `arca restore --vm VM_NAME --rp {point} --type OriginalLocation`.',
      ],
    },
    es: {
      title: 'No hay ninguna restauración de este punto en curso en la máquina',
      message: 'La máquina {machineId} solo puede leer del almacén el punto de recuperación {point} mientras una tarea de restauración de ese punto está pendiente o en curso en ella, y no hay ninguna. La tarea terminó, se canceló o nunca se pidió.',
      recommendations: [
        'Consulte el trabajo de restauración con `arca jobs list --vm NOMBRE_VM`: un trabajo que falló o agotó su tiempo cierra la lectura de su punto.',
        'Vuelva a iniciar la restauración con `arca restore --vm NOMBRE_VM --rp {point} --type OriginalLocation`.',
      ],
    },
  },
  RestoreReadOutsidePoint: {
    numericCode: 770618,
    httpStatus: 404,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Asked for data the recovery point does not have',
      message: 'Recovery point {point} has no {what}. A restore reads only the disks of the point and, for each, its chunk list pieces and the chunks at positions inside the disk.',
      recommendations: [
        'Check that the agent and its snapshot extension are a version this vault supports (`arca vm show VM_NAME` shows the agent version).',
        'Start the restore again; if the refusal comes back, report it with the request id shown here.',
      ],
    },
    es: {
      title: 'Se pidieron datos que el punto de recuperación no tiene',
      message: 'El punto de recuperación {point} no tiene {what}. Una restauración solo lee los discos del punto y, de cada uno, las piezas de su lista de fragmentos y los fragmentos de posiciones dentro del disco.',
      recommendations: [
        'Compruebe que el agente y su extensión de instantáneas son una versión que este almacén admite (`arca vm show NOMBRE_VM` muestra la versión del agente).',
        'Vuelva a iniciar la restauración; si el rechazo se repite, infórmelo junto con el id de petición que se muestra aquí.',
      ],
    },
  },
  UserErrorRestoreDiskTooSmall: {
    numericCode: 770619,
    httpStatus: 409,
    retryable: false,
    phase: 'restore',
    en: {
      title: 'Disk on the machine is smaller than the recovery point\'s',
      message: 'Disk {disk} of {vmName} ({path}) holds {size} bytes, but its copy in recovery point {point} has {pointSize}. A block device cannot be grown by a restore, so nothing was written to it.',
      recommendations: [
        'Grow the device (for an LVM volume, `lvextend -L SIZE`) to at least {pointSize} bytes, then run the restore again.',
        'Or restore only the disks into a storage account with `arca restore --vm {vmName} --rp {point} --type RestoreDisks` and copy them where you need them.',
      ],
    },
    es: {
      title: 'El disco de la máquina es más pequeño que el del punto de recuperación',
      message: 'El disco {disk} de {vmName} ({path}) tiene {size} bytes, pero su copia en el punto de recuperación {point} tiene {pointSize}. Una restauración no puede ampliar un dispositivo de bloques, así que no se escribió nada en él.',
      recommendations: [
        'Amplíe el dispositivo (para un volumen LVM, `lvextend -L TAMAÑO`) hasta al menos {pointSize} bytes y vuelva a ejecutar la restauración.',
        'O restaure solo los discos en una cuenta de almacenamiento con `arca restore --vm {vmName} --rp {point} --type RestoreDisks` y cópielos donde los necesite.',
      ],
    },
  },
});

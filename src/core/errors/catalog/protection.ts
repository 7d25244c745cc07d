import { defineErrors } from '../catalog-entry.ts';

/**
 * Rules of the control plane around vaults, policies and protected items that the seeds do not name:
 * what keeps a vault or a policy from being deleted, which policy changes are refused, and where a
 * machine must live to be protected. Block 771200.
 */
export const protectionErrors = defineErrors({
  UserErrorVaultNotEmpty: {
    numericCode: 771200,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Vault still holds backup items',
      message: 'Vault {vaultName} cannot be deleted while it holds backup items: {itemCount} found, for example {itemName}. Items whose data was deleted count too until soft delete purges them.',
      recommendations: [
        'List the vault\'s items with `arca items list --vault {vaultName}`, including those in soft delete.',
        'Stop protection of each item and delete its data with `arca protection stop --vault {vaultName} --vm NAME --delete-data`.',
        'Items in soft delete are purged 14 days after their data was deleted; delete the vault after that.',
      ],
    },
    es: {
      title: 'El almacén aún contiene elementos de copia de seguridad',
      message: 'No se puede eliminar el almacén {vaultName} mientras contenga elementos de copia de seguridad: hay {itemCount}, por ejemplo {itemName}. Los elementos cuyos datos se eliminaron también cuentan hasta que la eliminación temporal los purga.',
      recommendations: [
        'Muestre los elementos del almacén con `arca items list --vault {vaultName}`, incluidos los que están en eliminación temporal.',
        'Detenga la protección de cada elemento y elimine sus datos con `arca protection stop --vault {vaultName} --vm NOMBRE --delete-data`.',
        'Los elementos en eliminación temporal se purgan 14 días después de eliminar sus datos; elimine el almacén a partir de entonces.',
      ],
    },
  },
  UserErrorPolicyInUse: {
    numericCode: 771201,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Policy still in use',
      message: 'Policy {policyName} cannot be deleted because {itemCount} protected items still follow it, for example {itemName}.',
      recommendations: [
        'Find the items that use it with `arca items list --vault {vaultName} --policy {policyName}`.',
        'Move each one to another policy with `arca protection enable --vm NAME --policy OTHER_POLICY`, or stop its protection.',
        'Delete the policy once no item follows it.',
      ],
    },
    es: {
      title: 'La directiva sigue en uso',
      message: 'No se puede eliminar la directiva {policyName} porque todavía la siguen {itemCount} elementos protegidos, por ejemplo {itemName}.',
      recommendations: [
        'Localice los elementos que la usan con `arca items list --vault {vaultName} --policy {policyName}`.',
        'Pase cada uno a otra directiva con `arca protection enable --vm NOMBRE --policy OTRA_DIRECTIVA`, o detenga su protección.',
        'Elimine la directiva cuando ningún elemento la siga.',
      ],
    },
  },
  UserErrorPolicyNotFound: {
    numericCode: 771202,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Backup policy not found',
      message: 'Vault {vaultName} has no backup policy named {policyName}. A machine can only be protected with a policy of the vault that protects it.',
      recommendations: [
        'List the vault\'s policies with `arca policy list --vault {vaultName}`.',
        'Create the policy with `arca policy create --vault {vaultName} --name {policyName}`, or choose an existing one.',
        'Run the command again with that policy.',
      ],
    },
    es: {
      title: 'No se encontró la directiva de copia de seguridad',
      message: 'El almacén {vaultName} no tiene ninguna directiva de copia de seguridad llamada {policyName}. Una máquina solo puede protegerse con una directiva del almacén que la protege.',
      recommendations: [
        'Muestre las directivas del almacén con `arca policy list --vault {vaultName}`.',
        'Cree la directiva con `arca policy create --vault {vaultName} --name {policyName}`, o elija una existente.',
        'Vuelva a ejecutar el comando con esa directiva.',
      ],
    },
  },
  UserErrorItemNotSoftDeleted: {
    numericCode: 771203,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Backup item is not in soft delete',
      message: 'Undelete applies only to items whose data was deleted and waits in soft delete; {itemName} is {state}.',
      recommendations: [
        'Check the item\'s state with `arca items show --vm {itemName}`.',
        'If its protection was stopped, resume it with `arca protection resume --vm {itemName}` instead.',
      ],
    },
    es: {
      title: 'El elemento de copia de seguridad no está en eliminación temporal',
      message: 'Recuperar de la eliminación temporal solo se aplica a elementos cuyos datos se eliminaron y esperan en eliminación temporal; {itemName} está en estado {state}.',
      recommendations: [
        'Compruebe el estado del elemento con `arca items show --vm {itemName}`.',
        'Si su protección está detenida, reanúdela en su lugar con `arca protection resume --vm {itemName}`.',
      ],
    },
  },
  UserErrorVmNotInVaultRegion: {
    numericCode: 771204,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Machine in another region',
      message: '{vmName} is in region {vmLocation} and vault {vaultName} is in {vaultLocation}. A vault protects only machines of its own region.',
      recommendations: [
        'List the vaults of region {vmLocation} with `arca vault list`, or create one with `arca vault create --location {vmLocation}`.',
        'Enable protection from that vault with `arca protection enable --vault VAULT --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Máquina en otra región',
      message: '{vmName} está en la región {vmLocation} y el almacén {vaultName} está en {vaultLocation}. Un almacén solo protege máquinas de su propia región.',
      recommendations: [
        'Muestre los almacenes de la región {vmLocation} con `arca vault list`, o cree uno con `arca vault create --location {vmLocation}`.',
        'Habilite la protección desde ese almacén con `arca protection enable --vault ALMACÉN --vm {vmName}`.',
      ],
    },
  },
  UserErrorPolicyTypeChangeNotAllowed: {
    numericCode: 771205,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Policy type cannot change this way',
      message: '{subject} uses a {fromType} policy and cannot move to a {toType} policy. An existing policy keeps its type, and an item on an enhanced (V2) policy cannot go back to a standard (V1) one.',
      recommendations: [
        'Create a new policy of the type you need with `arca policy create --vault VAULT --name NAME --type {toType}`.',
        'For an item on a V2 policy, choose another V2 policy with `arca protection enable --vm NAME --policy POLICY`.',
      ],
    },
    es: {
      title: 'El tipo de directiva no puede cambiar así',
      message: '{subject} usa una directiva {fromType} y no puede pasar a una directiva {toType}. Una directiva existente conserva su tipo, y un elemento con una directiva mejorada (V2) no puede volver a una estándar (V1).',
      recommendations: [
        'Cree una directiva nueva del tipo que necesita con `arca policy create --vault ALMACÉN --name NOMBRE --type {toType}`.',
        'Para un elemento con una directiva V2, elija otra directiva V2 con `arca protection enable --vm NOMBRE --policy DIRECTIVA`.',
      ],
    },
  },
});

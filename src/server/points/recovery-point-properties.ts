import { toRecoveryPointType, type RecoveryPointTier, type RecoveryPointTierStatus } from '../../core/states/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import type { RecoveryPointArca } from './recovery-point-model.ts';

/**
 * Azure's IaasVMRecoveryPoint for a point, from what the vault knows of it: the tiers it lives in
 * (instant snapshot, vault repository) with their status, its consistency, and the machine's disks.
 */
export function tierDetails(arca: RecoveryPointArca): { type: RecoveryPointTier; status: RecoveryPointTierStatus }[] {
  const tiers: { type: RecoveryPointTier; status: RecoveryPointTierStatus }[] = [];
  if (arca.instant) tiers.push({ type: 'InstantRP', status: arca.instant.deleted ? 'Deleted' : 'Valid' });
  if (arca.manifestId) tiers.push({ type: 'HardenedRP', status: 'Valid' });
  return tiers;
}

export function recoveryPointProperties(arca: RecoveryPointArca, vm: VirtualMachineRecord): Record<string, unknown> {
  const { osDisk, dataDisks } = vm.properties.storageProfile;
  const all = [osDisk, ...dataDisks];
  return {
    objectType: 'IaasVMRecoveryPoint',
    recoveryPointType: toRecoveryPointType(arca.consistency),
    recoveryPointTime: arca.time,
    recoveryPointAdditionalInfo: arca.consistencyReason ?? '',
    sourceVMStorageType: 'NormalStorage',
    isSourceVMEncrypted: all.some((disk) => disk.encryption.type !== 'None'),
    isInstantIlrSessionActive: false,
    recoveryPointTierDetails: tierDetails(arca),
    isManagedVirtualMachine: true,
    virtualMachineSize: vm.properties.hardwareProfile.vmSize,
    originalStorageAccountOption: false,
    osType: osDisk.osType,
    recoveryPointDiskConfiguration: {
      numberOfDisksIncludedInBackup: arca.disks.length,
      numberOfDisksAttachedToVm: all.length,
      includedDiskList: arca.disks.map((disk) => ({ ...(disk.lun === undefined ? {} : { lun: disk.lun }), name: disk.name })),
      excludedDiskList: [],
    },
    ...(arca.vaultExpiresAt ? { recoveryPointProperties: { expiryTime: arca.vaultExpiresAt, ruleName: '', isSoftDeleted: false } } : {}),
  };
}

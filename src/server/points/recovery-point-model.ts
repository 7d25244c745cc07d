import type { Consistency } from '../../core/states/index.ts';
import type { ArmResource } from '../arm/index.ts';

/**
 * Recovery points (collection `recovery-points`, keyed by the lower-cased ARM id
 * `<protected item id>/recoveryPoints/<name>`), indexed by {subscription, resourceGroup (the
 * vault's), vault, item (lower-cased ids), time (ISO UTC)}. `properties` is Azure's
 * IaasVMRecoveryPoint as GET returns it; `arca` is what the vault needs to restore and expire it.
 */
export const RECOVERY_POINTS = 'recovery-points';

export interface RecoveryPointArca {
  readonly vaultId: string;
  readonly itemId: string;
  readonly vmId: string;
  readonly time: string;
  readonly consistency: Consistency;
  readonly consistencyReason?: string;
  /** The point in the vault's repository (vault tier); absent while only the snapshot exists. */
  readonly manifestId?: string;
  /** The snapshot in the VM's restore point collection (instant tier), while it is kept. */
  readonly instant?: { readonly collectionId: string; readonly pointName: string; readonly expiresAt: string; readonly deleted?: string };
  /** When long-term retention lets the vault-tier copy go; absent: kept until retention says otherwise. */
  readonly vaultExpiresAt?: string;
  readonly disks: readonly { readonly name: string; readonly lun?: number; readonly sizeBytes: number }[];
  readonly jobName: string;
}

export interface RecoveryPointRecord extends ArmResource<Record<string, unknown>> {
  readonly arca: RecoveryPointArca;
}

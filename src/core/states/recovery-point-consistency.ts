/**
 * How consistent a recovery point's data is. Arca's names are the ones Microsoft.Compute restore
 * points use (`consistencyMode`) and the design brief uses; the backup API's `recoveryPointType`
 * spells the first one `AppConsistent`, so the wire form is converted at the edge.
 */
export const CONSISTENCIES = ['ApplicationConsistent', 'FileSystemConsistent', 'CrashConsistent'] as const;
export type Consistency = (typeof CONSISTENCIES)[number];

export const AZURE_RECOVERY_POINT_TYPES = ['AppConsistent', 'FileSystemConsistent', 'CrashConsistent'] as const;
export type AzureRecoveryPointType = (typeof AZURE_RECOVERY_POINT_TYPES)[number];

const TO_AZURE: Readonly<Record<Consistency, AzureRecoveryPointType>> = {
  ApplicationConsistent: 'AppConsistent',
  FileSystemConsistent: 'FileSystemConsistent',
  CrashConsistent: 'CrashConsistent',
};

export function toRecoveryPointType(consistency: Consistency): AzureRecoveryPointType {
  return TO_AZURE[consistency];
}

/** Accepts either spelling, in any case; undefined for anything else. */
export function parseConsistency(value: string): Consistency | undefined {
  const lower = value.toLowerCase();
  if (lower === 'appconsistent') return 'ApplicationConsistent';
  return CONSISTENCIES.find((consistency) => consistency.toLowerCase() === lower);
}

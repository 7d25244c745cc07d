/**
 * The api-version values each family of routes accepts. The shapes Arca serves follow the first
 * version listed; later ones are accepted where the clients Arca is tested with send them and the
 * shapes Arca uses did not change.
 */
export const API_VERSIONS = {
  resources: ['2021-04-01', '2022-09-01', '2024-03-01'],
  locks: ['2016-09-01', '2020-05-01'],
  compute: ['2023-03-01', '2023-09-01', '2024-03-01', '2024-07-01'],
  keyVault: ['2022-07-01', '2023-07-01'],
  storage: ['2023-01-01', '2023-05-01'],
  network: ['2023-05-01', '2023-09-01', '2024-01-01'],
  recoveryServicesVaults: ['2023-04-01', '2024-04-01', '2026-07-01'],
  recoveryServicesBackup: ['2023-06-01'],
  arca: ['2026-11-01'],
} as const satisfies Record<string, readonly string[]>;

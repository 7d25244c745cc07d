/**
 * Numeric codes. Azure documents a few numeric codes and we keep those. Every other code takes a
 * number from Arca's one range, 770000–779999, split into blocks by phase so that files can grow
 * independently. A number is never given to a second code: when a code is removed, its number moves
 * to RETIRED_NUMERIC_CODES, and the catalog test refuses any entry that reuses it.
 */
export const ARCA_NUMERIC_RANGE = { first: 770000, last: 779999 } as const;

export const AZURE_NUMERIC_CODES: Readonly<Record<string, number>> = {
  ResourceNotFound: 320001,
  BCMV2VMNotFound: 400094,
  AzureVmOffline: 380008,
};

export const NUMERIC_BLOCKS = {
  agent: 770100,
  extension: 770200,
  snapshot: 770300,
  transfer: 770400,
  vault: 770500,
  restore: 770600,
  job: 770700,
  repository: 770800,
  general: 770900,
  /** Requests to the ARM-shaped API: version, subscription, body, etag, locks. */
  api: 771000,
  /** Sign-in: principals, client secrets, the token endpoint. */
  access: 771100,
  /** Protection, backup and restore rules of the control plane beyond the seeds' codes. */
  control: 771200,
  /** The job engine and the jobs API: filters, workers, interrupted jobs. */
  jobEngine: 771300,
  /** The vault's side of a backup: checking the agent's reports against the repository. */
  backupFlow: 771400,
  /** The `arca agent` daemon on the machine: its configuration, registration and path to the vault (771500–771549). */
  agentHost: 771500,
  /** The upload channel: a machine's extension writing its backup into the vault's repository (771600–771649). */
  uploadChannel: 771600,
  /** What `arca doctor` finds on a machine that no other phase names (771700–771749). */
  doctor: 771700,
  /** Agent updates from the vault: agent packages, their checks on the machine, set-aside versions (771750–771799). */
  agentUpdate: 771750,
  /** The `arca` command line as a client of the API: contexts, sign-in, reaching the server (771650–771699). */
  cli: 771650,
} as const;

export const RETIRED_NUMERIC_CODES: readonly number[] = [];

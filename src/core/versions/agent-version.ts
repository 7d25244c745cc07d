/**
 * Agent versions as agent packages carry them: MAJOR.MINOR.PATCH with an optional pre-release
 * (`1.0.0-rc.1`), ordered as semantic versioning orders them. Build metadata (`+…`) is not accepted:
 * two packages must never differ only by something the order ignores.
 */
export const AGENT_VERSION_PATTERN = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-([0-9A-Za-z-]{1,20}(?:\.[0-9A-Za-z-]{1,20}){0,4}))?$/;

/**
 * The first agent version that can do each thing the vault may ask of it; the vault asks an older
 * agent only for what it can do. Vault-tier restores on the machine came with 0.1.0.
 */
export const AGENT_CAPABILITIES = { vaultTierRestore: '0.1.0' } as const;

/** True when an agent that reported `reported` (undefined: it never said) is at least `needed`. */
export function agentCan(reported: string | undefined, needed: string): boolean {
  return reported !== undefined && isAgentVersion(reported) && compareAgentVersions(reported, needed) >= 0;
}

export interface AgentVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly string[];
}

export function parseAgentVersion(text: string): AgentVersion | undefined {
  const match = AGENT_VERSION_PATTERN.exec(text);
  if (!match) return undefined;
  const prerelease = match[4] === undefined ? [] : match[4].split('.');
  // A numeric identifier has no leading zero (semver §9), so that "01" and "1" are not two spellings of one version.
  if (prerelease.some((part) => /^\d+$/.test(part) && part.length > 1 && part.startsWith('0'))) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease };
}

export function isAgentVersion(text: string): boolean {
  return parseAgentVersion(text) !== undefined;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length); // a release ranks above its pre-releases
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/**
 * Negative when `a` is older than `b`, zero when equal, positive when newer. Text that is not an
 * agent version ranks below every version (an agent reporting "unknown" is older than any package).
 */
export function compareAgentVersions(a: string, b: string): number {
  const x = parseAgentVersion(a);
  const y = parseAgentVersion(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return Math.sign(x.major - y.major) || Math.sign(x.minor - y.minor) || Math.sign(x.patch - y.patch) || comparePrerelease(x.prerelease, y.prerelease);
}

/** The newest of the versions, or undefined for none. */
export function newestAgentVersion(versions: Iterable<string>): string | undefined {
  let newest: string | undefined;
  for (const version of versions) if (isAgentVersion(version) && (newest === undefined || compareAgentVersions(version, newest) > 0)) newest = version;
  return newest;
}

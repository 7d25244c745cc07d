import { invalidArgument } from '../errors/index.ts';
import { quote } from './name-segment.ts';

/**
 * ARM's naming rules for the resources Arca creates, from Azure's "Naming rules and restrictions"
 * table. A VM's resource name follows the resource rule (1–64); the stricter host-name rule of
 * Windows guests (15 characters, no periods) is the guest's concern, not the resource's.
 */
interface NameRule {
  readonly min: number;
  readonly max: number;
  /** One character that is allowed anywhere in the name. */
  readonly char: RegExp;
  readonly charText: string;
  readonly first?: RegExp;
  readonly firstText?: string;
  readonly last?: RegExp;
  readonly lastText?: string;
  readonly noDoubleHyphen?: boolean;
}

const ALNUM_UNDERSCORE_PERIOD_HYPHEN = {
  char: /^[A-Za-z0-9_.-]$/,
  charText: 'letters, digits, underscores, periods and hyphens',
  first: /^[A-Za-z0-9]$/,
  firstText: 'a letter or digit',
  last: /^[A-Za-z0-9_]$/,
  lastText: 'a letter, digit or underscore',
} as const;

export const RESOURCE_NAME_RULES = {
  resourceGroup: {
    min: 1,
    max: 90,
    char: /^[\p{L}\p{M}\p{N}_().-]$/u,
    charText: 'letters, digits, underscores, parentheses, periods and hyphens',
    last: /^[^.]$/,
    lastText: 'anything but a period',
  },
  virtualMachine: { min: 1, max: 64, ...ALNUM_UNDERSCORE_PERIOD_HYPHEN },
  restorePointCollection: { min: 1, max: 80, ...ALNUM_UNDERSCORE_PERIOD_HYPHEN },
  virtualNetwork: { min: 2, max: 64, ...ALNUM_UNDERSCORE_PERIOD_HYPHEN },
  subnet: { min: 1, max: 80, ...ALNUM_UNDERSCORE_PERIOD_HYPHEN },
  disk: { min: 1, max: 80, ...ALNUM_UNDERSCORE_PERIOD_HYPHEN },
  publicIpAddress: { min: 1, max: 80, ...ALNUM_UNDERSCORE_PERIOD_HYPHEN },
  vault: {
    min: 2,
    max: 50,
    char: /^[A-Za-z0-9-]$/,
    charText: 'letters, digits and hyphens',
    first: /^[A-Za-z]$/,
    firstText: 'a letter',
  },
  backupPolicy: {
    min: 3,
    max: 150,
    char: /^[A-Za-z0-9-]$/,
    charText: 'letters, digits and hyphens',
    first: /^[A-Za-z]$/,
    firstText: 'a letter',
    last: /^[A-Za-z0-9]$/,
    lastText: 'a letter or digit',
  },
  keyVault: {
    min: 3,
    max: 24,
    char: /^[A-Za-z0-9-]$/,
    charText: 'letters, digits and hyphens',
    first: /^[A-Za-z]$/,
    firstText: 'a letter',
    last: /^[A-Za-z0-9]$/,
    lastText: 'a letter or digit',
    noDoubleHyphen: true,
  },
  storageAccount: { min: 3, max: 24, char: /^[a-z0-9]$/, charText: 'lower-case letters and digits' },
  lock: {
    min: 1,
    max: 90,
    char: /^[A-Za-z0-9_().-]$/,
    charText: 'letters, digits, underscores, parentheses, periods and hyphens',
    last: /^[^.]$/,
    lastText: 'anything but a period',
  },
} as const satisfies Record<string, NameRule>;

export type ResourceNameKind = keyof typeof RESOURCE_NAME_RULES;
export const RESOURCE_NAME_KINDS = Object.keys(RESOURCE_NAME_RULES) as ResourceNameKind[];

function shown(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${char}'`;
}

/** Why `name` is not a valid name for a `kind` resource, or undefined when it is. */
export function resourceNameProblem(kind: ResourceNameKind, name: string): string | undefined {
  const rule: NameRule = RESOURCE_NAME_RULES[kind];
  const chars = [...name];
  if (chars.length < rule.min || chars.length > rule.max) {
    return `it must be ${rule.min} to ${rule.max} characters long, and ${quote(name)} has ${chars.length}`;
  }
  const bad = chars.find((char) => !rule.char.test(char));
  if (bad !== undefined) return `it may contain only ${rule.charText}, and ${quote(name)} contains ${shown(bad)}`;
  if (rule.first && !rule.first.test(chars[0] as string)) return `it must start with ${rule.firstText}, and ${quote(name)} does not`;
  if (rule.last && !rule.last.test(chars.at(-1) as string)) return `it must end with ${rule.lastText}, and ${quote(name)} does not`;
  if (rule.noDoubleHyphen && name.includes('--')) return `it must not contain two hyphens in a row, and ${quote(name)} does`;
  return undefined;
}

/**
 * Returns `name` when it is valid for a `kind` resource, otherwise throws UserErrorInvalidArgument
 * naming `argument` (the field the user filled in, the kind by default).
 */
export function validateResourceName(kind: ResourceNameKind, name: string, argument: string = kind): string {
  const problem = resourceNameProblem(kind, name);
  if (problem) throw invalidArgument(argument, problem);
  return name;
}

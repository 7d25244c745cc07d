import { isAbsolute } from 'node:path';

/** What a value's text means, or why it means nothing. */
export type ValueParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): ValueParse<T> => ({ ok: true, value });
const bad = (reason: string): ValueParse<never> => ({ ok: false, reason });

export const PROVISIONING_AGENTS = ['auto', 'arca', 'cloud-init', 'disabled'] as const;
export type ProvisioningAgent = (typeof PROVISIONING_AGENTS)[number];

/** A disk the machine backs up: an image file or a block device, named as the VM's disk is. */
export interface ConfiguredDisk {
  readonly name: string;
  readonly path: string;
}

function yesNo(text: string): ValueParse<boolean> {
  if (text === 'y') return ok(true);
  if (text === 'n') return ok(false);
  return bad(`"${text}" is not a boolean: write y or n`);
}

function wholeNumber(min: number, max: number): (text: string) => ValueParse<number> {
  return (text) => {
    const n = Number(text);
    return /^\d+$/.test(text) && n >= min && n <= max ? ok(n) : bad(`"${text}" is not a whole number from ${min} to ${max}`);
  };
}

function absolutePath(text: string): ValueParse<string> {
  // oxlint-disable-next-line no-control-regex -- control characters are what the check refuses
  return isAbsolute(text) && !/[\u0000-\u001f]/.test(text) ? ok(text) : bad(`"${text}" is not an absolute path`);
}

function oneOf<const T extends readonly string[]>(choices: T): (text: string) => ValueParse<T[number]> {
  return (text) => ((choices as readonly string[]).includes(text) ? ok(text as T[number]) : bad(`"${text}" is not one of ${choices.join(', ')}`));
}

function hostName(text: string): ValueParse<string> {
  return /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^\[[0-9A-Fa-f:.]+\]$/.test(text) ? ok(text) : bad(`"${text}" is not a host name or address`);
}

function vaultUrl(text: string): ValueParse<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(`"${text}" is not a URL`);
  }
  if (url.protocol !== 'https:') return bad(`"${text}" must be an https:// URL: the agent speaks to the vault over TLS only`);
  return ok(url.origin);
}

const DISK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** `Disks=[name:]/path,…`; a disk without a name is named after its file, without the extension. */
function diskList(text: string): ValueParse<readonly ConfiguredDisk[]> {
  const disks: ConfiguredDisk[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') return bad('has an empty entry between commas');
    const colon = item.startsWith('/') ? -1 : item.indexOf(':');
    const path = colon < 0 ? item : item.slice(colon + 1);
    const checked = absolutePath(path);
    if (!checked.ok) return checked;
    const base = path.split('/').at(-1) ?? '';
    const name = colon < 0 ? base.replace(/\.[^.]*$/, '') : item.slice(0, colon);
    if (!DISK_NAME.test(name)) return bad(`disk name "${name}" must be letters, digits, dots, underscores or hyphens (write name:/path)`);
    if (disks.some((d) => d.name.toLowerCase() === name.toLowerCase())) return bad(`names disk ${name} twice`);
    disks.push({ name, path });
  }
  return ok(disks);
}

/**
 * One table of every key the agent reads, in waagent's style: the key as written in agent.conf,
 * its type (the parser), its default, and what it does. Nothing else is read, and a key outside
 * this table is reported, never ignored.
 */
export const AGENT_CONFIG_KEYS = {
  'Extensions.Enabled': { parse: yesNo, default: true, describe: 'run extensions (the VMSnapshot extension backup needs): y or n' },
  'Extensions.GoalStatePeriod': { parse: wholeNumber(1, 3600), default: 6, describe: 'seconds between goal-state pulls and status reports (the heartbeat)' },
  'Provisioning.Agent': { parse: oneOf(PROVISIONING_AGENTS), default: 'auto' as ProvisioningAgent, describe: `who provisions the machine: ${PROVISIONING_AGENTS.join(' | ')}` },
  'AutoUpdate.Enabled': { parse: yesNo, default: false, describe: 'update the agent from the vault: y or n' },
  'Logs.Verbose': { parse: yesNo, default: false, describe: 'log debug messages too: y or n' },
  'Lib.Dir': { parse: absolutePath, default: '/var/lib/arca-agent', describe: "where the agent keeps the vault's CA, its credentials and its state (mode 0700)" },
  'Extension.LogDir': { parse: absolutePath, default: '/var/log/arca', describe: 'where extensions write their logs' },
  'VmSnapshot.ConfigFile': { parse: absolutePath, default: '/etc/arca/vmsnapshot.json', describe: "the VMSnapshot extension's own settings on this machine (scripts, freeze timeout, excluded mounts, thresholds)" },
  'HttpProxy.Host': { parse: hostName, default: undefined as string | undefined, describe: 'HTTP proxy host for traffic to the vault (CONNECT tunnel)' },
  'HttpProxy.Port': { parse: wholeNumber(1, 65535), default: undefined as number | undefined, describe: 'HTTP proxy port' },
  'Vault.Url': { parse: vaultUrl, default: undefined as string | undefined, describe: 'the vault endpoint, https://host:port (set by `arca agent register --vault`)' },
  'Vault.CaFile': { parse: absolutePath, default: undefined as string | undefined, describe: "the vault's CA certificate (default: the one pinned at registration, Lib.Dir/ca.pem)" },
  Disks: { parse: diskList, default: undefined as readonly ConfiguredDisk[] | undefined, describe: "the machine's disks, [name:]/path,… (image files or block devices); unset: found in /sys/class/block" },
} as const;

export type AgentConfigKey = keyof typeof AGENT_CONFIG_KEYS;

/** Spellings read in place of a key, with a warning: the seed writes `Extensions.Enable`. */
export const KEY_ALIASES: Readonly<Record<string, AgentConfigKey>> = { 'Extensions.Enable': 'Extensions.Enabled' };

export const DEFAULT_CONFIG_PATH = '/etc/arca/agent.conf';

/** The configuration as the agent uses it: the table's keys, typed. */
export interface AgentConfig {
  readonly extensionsEnabled: boolean;
  readonly goalStatePeriodSeconds: number;
  readonly provisioningAgent: ProvisioningAgent;
  readonly autoUpdateEnabled: boolean;
  readonly logsVerbose: boolean;
  readonly libDir: string;
  readonly extensionLogDir: string;
  readonly vmSnapshotConfigFile: string;
  readonly httpProxy?: { readonly host: string; readonly port: number };
  readonly vaultUrl?: string;
  readonly vaultCaFile?: string;
  readonly disks?: readonly ConfiguredDisk[];
}

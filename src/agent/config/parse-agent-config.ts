import { AGENT_CONFIG_KEYS, KEY_ALIASES, type AgentConfig, type AgentConfigKey, type ConfiguredDisk, type ProvisioningAgent } from './agent-config-keys.ts';

/** One thing wrong (error) or doubtful (warning) in a configuration file, at its line. */
export interface ConfigFinding {
  readonly severity: 'error' | 'warning';
  /** 1-based line number; absent for findings about the file as a whole. */
  readonly line?: number;
  readonly key?: string;
  readonly message: string;
}

export interface ParsedAgentConfig {
  readonly config: AgentConfig;
  readonly findings: readonly ConfigFinding[];
  /** Where each key's value came from: the line that set it, or the default. */
  readonly origins: Readonly<Partial<Record<AgentConfigKey, number>>>;
}

const KNOWN = new Map(Object.keys(AGENT_CONFIG_KEYS).map((key) => [key.toLowerCase(), key as AgentConfigKey]));
const ALIASES = new Map(Object.entries(KEY_ALIASES).map(([alias, key]) => [alias.toLowerCase(), { alias, key }]));

/** `value # comment` loses its comment; a `#` inside a word (a path) stays. Matching quotes are removed. */
function cleanValue(raw: string): string {
  const value = raw.replace(/\s+#.*$/, '').trim();
  return /^(["']).*\1$/.test(value) && value.length >= 2 ? value.slice(1, -1) : value;
}

function suggestion(key: string): string {
  const lower = key.toLowerCase();
  const near = [...KNOWN.values()].find((known) => known.toLowerCase().startsWith(lower.split('.')[0] ?? lower));
  return near ? ` (did you mean ${near}?)` : '';
}

/**
 * Reads agent.conf text: `Key=Value` lines, `#` comments, booleans `y`/`n`. Every key is looked up
 * in the one table (AGENT_CONFIG_KEYS); an unknown key, a value its type refuses, a line that is
 * not `Key=Value` or a missing partner key is an error with its line number; a misspelling the
 * agent still reads (Extensions.Enable) and a key set twice are warnings. A key with an error keeps
 * its default, so `config check` can list every problem at once; the agent refuses to start on errors.
 */
export function parseAgentConfig(text: string): ParsedAgentConfig {
  const findings: ConfigFinding[] = [];
  const values = new Map<AgentConfigKey, unknown>(Object.entries(AGENT_CONFIG_KEYS).map(([key, entry]) => [key as AgentConfigKey, entry.default]));
  const origins: Partial<Record<AgentConfigKey, number>> = {};
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) {
      findings.push({ severity: 'error', line, message: `"${trimmed.slice(0, 80)}" is not a Key=Value line` });
      continue;
    }
    const written = trimmed.slice(0, equals).trim();
    const alias = ALIASES.get(written.toLowerCase());
    const key = KNOWN.get(written.toLowerCase()) ?? alias?.key;
    if (key === undefined) {
      findings.push({ severity: 'error', line, key: written, message: `unknown key ${written}${suggestion(written)}` });
      continue;
    }
    if (alias) findings.push({ severity: 'warning', line, key: written, message: `${alias.alias} is read as ${alias.key}; write ${alias.key}, the spelling the agent documents` });
    else if (written !== key) findings.push({ severity: 'warning', line, key: written, message: `${written} is read as ${key}; keys are written as in the documentation` });
    const previous = origins[key];
    if (previous !== undefined) findings.push({ severity: 'warning', line, key, message: `${key} is set again (first on line ${previous}); the last value counts` });
    const parsed = AGENT_CONFIG_KEYS[key].parse(cleanValue(trimmed.slice(equals + 1)) as never);
    if (!parsed.ok) {
      findings.push({ severity: 'error', line, key, message: `${key}: ${parsed.reason}` });
      continue;
    }
    values.set(key, parsed.value);
    origins[key] = line;
  }
  checkProxyPair(values, origins, findings);
  return { config: typedConfig(values), findings, origins };
}

function checkProxyPair(values: Map<AgentConfigKey, unknown>, origins: Partial<Record<AgentConfigKey, number>>, findings: ConfigFinding[]): void {
  const host = values.get('HttpProxy.Host');
  const port = values.get('HttpProxy.Port');
  if ((host === undefined) === (port === undefined)) return;
  const [set, missing] = host === undefined ? (['HttpProxy.Port', 'HttpProxy.Host'] as const) : (['HttpProxy.Host', 'HttpProxy.Port'] as const);
  findings.push({ severity: 'error', line: origins[set] as number, key: set, message: `${set} is set but ${missing} is not; a proxy needs both` });
}

function typedConfig(values: Map<AgentConfigKey, unknown>): AgentConfig {
  const get = <T>(key: AgentConfigKey) => values.get(key) as T;
  const host = get<string | undefined>('HttpProxy.Host');
  const port = get<number | undefined>('HttpProxy.Port');
  const vaultUrl = get<string | undefined>('Vault.Url');
  const vaultCaFile = get<string | undefined>('Vault.CaFile');
  const disks = get<readonly ConfiguredDisk[] | undefined>('Disks');
  return {
    extensionsEnabled: get<boolean>('Extensions.Enabled'),
    goalStatePeriodSeconds: get<number>('Extensions.GoalStatePeriod'),
    provisioningAgent: get<ProvisioningAgent>('Provisioning.Agent'),
    autoUpdateEnabled: get<boolean>('AutoUpdate.Enabled'),
    logsVerbose: get<boolean>('Logs.Verbose'),
    libDir: get<string>('Lib.Dir'),
    extensionLogDir: get<string>('Extension.LogDir'),
    vmSnapshotConfigFile: get<string>('VmSnapshot.ConfigFile'),
    ...(host !== undefined && port !== undefined ? { httpProxy: { host, port } } : {}),
    ...(vaultUrl === undefined ? {} : { vaultUrl }),
    ...(vaultCaFile === undefined ? {} : { vaultCaFile }),
    ...(disks === undefined ? {} : { disks }),
  };
}

/** `path:line: error: message`, as compilers write them, for `config check` and the refusal to start. */
export function formatFinding(path: string, finding: ConfigFinding): string {
  return `${path}${finding.line === undefined ? '' : `:${finding.line}`}: ${finding.severity}: ${finding.message}`;
}

import { Command } from 'commander';
import { AGENT_CONFIG_KEYS, type AgentConfigKey } from '../../../agent/config/agent-config-keys.ts';
import { loadAgentConfig } from '../../../agent/config/load-agent-config.ts';
import { formatFinding } from '../../../agent/config/parse-agent-config.ts';
import { EXIT_CODES } from '../../exit-codes.ts';
import { formatTable, outputContext, printJson } from '../../output.ts';

function shown(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'boolean') return value ? 'y' : 'n';
  if (Array.isArray(value)) return value.map((d: { name: string; path: string }) => `${d.name}:${d.path}`).join(',');
  return String(value);
}

/** `arca agent config check`: every finding with its line, then each key's value and where it came from; exit 2 on errors. */
export function configCheckCommand(): Command {
  return new Command('check')
    .description('check the agent configuration file: unknown keys and bad values with their line numbers, then every key\'s value')
    .option('--config <file>', 'configuration file (default /etc/arca/agent.conf)')
    .addHelpText('after', '\nExamples:\n  sudo arca agent config check\n  arca agent config check --config ./agent.conf -o json\n')
    .action(async function (this: Command, opts: { config?: string }) {
      const out = outputContext(this);
      const loaded = await loadAgentConfig(opts.config);
      const errors = loaded.findings.filter((f) => f.severity === 'error').length;
      const raw = new Map<AgentConfigKey, unknown>([
        ['Extensions.Enabled', loaded.config.extensionsEnabled],
        ['Extensions.GoalStatePeriod', loaded.config.goalStatePeriodSeconds],
        ['Provisioning.Agent', loaded.config.provisioningAgent],
        ['AutoUpdate.Enabled', loaded.config.autoUpdateEnabled],
        ['Logs.Verbose', loaded.config.logsVerbose],
        ['Lib.Dir', loaded.config.libDir],
        ['Extension.LogDir', loaded.config.extensionLogDir],
        ['HttpProxy.Host', loaded.config.httpProxy?.host],
        ['HttpProxy.Port', loaded.config.httpProxy?.port],
        ['Vault.Url', loaded.config.vaultUrl],
        ['Vault.CaFile', loaded.config.vaultCaFile],
        ['Disks', loaded.config.disks],
      ]);
      const keys = (Object.keys(AGENT_CONFIG_KEYS) as AgentConfigKey[]).map((key) => ({
        key,
        value: shown(raw.get(key)),
        from: loaded.origins[key] === undefined ? 'default' : `line ${loaded.origins[key]}`,
        meaning: AGENT_CONFIG_KEYS[key].describe,
      }));
      if (errors > 0) process.exitCode = EXIT_CODES.usage;
      if (out.format === 'json') return printJson(out, { path: loaded.path, fromFile: loaded.fromFile, valid: errors === 0, findings: loaded.findings, keys });
      const lines = loaded.findings.map((finding) => formatFinding(loaded.path, finding));
      const verdict = errors > 0 ? `${loaded.path}: ${errors} error(s); the agent will not start until they are fixed` : `${loaded.path}: ${loaded.fromFile ? 'valid' : 'not found; the defaults apply'}`;
      out.write([...lines, verdict, '', formatTable(['KEY', 'VALUE', 'FROM', 'MEANING'], keys.map((k) => [k.key, k.value, k.from, k.meaning]))].join('\n'));
    });
}

import type { Clock } from '../core/clock.ts';
import { loadAgentConfig, requireValidConfig } from './config/load-agent-config.ts';
import { formatFinding } from './config/parse-agent-config.ts';
import { loadCredentials, loadTrustedCa } from './registration/credentials.ts';
import { AgentDaemon } from './daemon/agent-daemon.ts';
import { jsonLog } from './daemon/agent-log.ts';
import type { ExtensionHost, ExtensionHostFactory } from './extension-host.ts';
import { machineDisks } from './machine/disks.ts';
import { RefusingExtensionHost } from './refusing-extension-host.ts';
import { AgentProtocolClient } from './vault/agent-protocol-client.ts';

export interface RunAgentDeps {
  readonly clock: Clock;
  readonly monotonic: () => number;
  readonly version: string;
  readonly write: (line: string) => void;
  /** The real extension host (src/extensions), given by the composition root; absent: tasks are refused. */
  readonly extensionHost?: ExtensionHostFactory;
}

/**
 * `arca agent run`: reads and checks the configuration (refusing to start on errors), loads the
 * credentials of registration, and runs the daemon until `signal` aborts (SIGTERM).
 */
export async function runAgent(configPath: string | undefined, signal: AbortSignal, deps: RunAgentDeps): Promise<void> {
  const loaded = requireValidConfig(await loadAgentConfig(configPath));
  const { config } = loaded;
  const log = jsonLog(deps.write, deps.clock, { verbose: config.logsVerbose });
  for (const finding of loaded.findings) log.warn('configuration', { finding: formatFinding(loaded.path, finding) });
  const credentials = await loadCredentials(config.libDir);
  const vaultUrl = config.vaultUrl ?? credentials.vaultUrl;
  const ca = await loadTrustedCa(config.libDir, config.vaultCaFile);
  const client = new AgentProtocolClient({ url: vaultUrl, ...(ca === undefined ? {} : { ca }), ...(config.httpProxy ? { proxy: config.httpProxy } : {}) }, credentials.machineId, credentials.agentToken);
  const context = {
    config,
    machineId: credentials.machineId,
    vmResourceId: credentials.vmResourceId,
    vaultUrl,
    ...(ca === undefined ? {} : { ca }),
    agentToken: credentials.agentToken,
    log,
    clock: deps.clock,
  };
  const host: ExtensionHost = !config.extensionsEnabled
    ? new RefusingExtensionHost(`extension processing is disabled by Extensions.Enabled=n in ${loaded.path}`)
    : deps.extensionHost
      ? await deps.extensionHost(context)
      : new RefusingExtensionHost('this agent has no extension host to run the snapshot extension');
  const daemon = new AgentDaemon({
    vault: client,
    vaultUrl,
    host,
    log,
    clock: deps.clock,
    monotonic: deps.monotonic,
    version: deps.version,
    periodMs: config.goalStatePeriodSeconds * 1000,
    libDir: config.libDir,
    // Only disks the configuration names are checked each period; found block devices come and go with hotplug.
    ...(config.disks ? { selfCheck: () => machineDisks(config.disks).then(() => undefined, (error: Error) => error.message) } : {}),
  });
  try {
    await daemon.run(signal);
  } finally {
    await host.close();
    client.close();
  }
}

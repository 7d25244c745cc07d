import type { Clock } from '../core/clock.ts';
import { loadAgentConfig, requireValidConfig } from './config/load-agent-config.ts';
import { formatFinding } from './config/parse-agent-config.ts';
import { loadCredentials, loadTrustedCa } from './registration/credentials.ts';
import { AgentDaemon, type DaemonExit } from './daemon/agent-daemon.ts';
import { AgentUpdater } from './update/agent-updater.ts';
import { INSTALLATION_ROOT } from '../platform/agent-package.ts';
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
  /** Called once the vault accepted a first status report (a supervised agent tells its supervisor, ADR 7). */
  readonly onReported?: () => void;
}

/**
 * `arca agent run`: reads and checks the configuration (refusing to start on errors), loads the
 * credentials of registration, and runs the daemon until `signal` aborts (SIGTERM).
 */
export async function runAgent(configPath: string | undefined, signal: AbortSignal, deps: RunAgentDeps): Promise<DaemonExit> {
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
    // Never with AutoUpdate.Enabled=n: then the agent downloads nothing and stays the version it is.
    ...(config.autoUpdateEnabled
      ? {
          updater: new AgentUpdater({
            libDir: config.libDir,
            runningVersion: deps.version,
            installation: INSTALLATION_ROOT,
            download: (version, maxBytes, s) => client.downloadAgentPackage(version, maxBytes, s),
            log,
            monotonic: deps.monotonic,
          }),
        }
      : {}),
    ...(deps.onReported ? { onReported: deps.onReported } : {}),
  });
  try {
    return await daemon.run(signal);
  } finally {
    await host.close();
    client.close();
  }
}

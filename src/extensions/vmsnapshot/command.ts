import { access, mkdir } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { HANDLER_ENV } from '../host/handler-files.ts';
import { DEFAULT_CONFIG_PATH } from './config.ts';
import type { ExtensionRun } from './enable.ts';

interface RunOptions {
  settings: string;
  configDir: string;
  statusDir: string;
  stateDir: string;
  heartbeatFile: string;
  logDir: string;
  config: string;
}

function runOf(options: RunOptions): ExtensionRun {
  const sequence = Number(options.settings);
  if (!Number.isInteger(sequence) || sequence < 0) throw invalidArgument('--settings', `"${options.settings}" is not a settings sequence number`);
  return { sequence, configDir: options.configDir, statusDir: options.statusDir, stateDir: options.stateDir, heartbeatFile: options.heartbeatFile, logDir: options.logDir, configPath: options.config };
}

function withRunOptions(command: Command): Command {
  return command
    .addOption(new Option('--settings <n>', 'sequence number of the settings file to apply').env(HANDLER_ENV.sequence).default('0'))
    .addOption(new Option('--config-dir <dir>', 'folder of the numbered settings files').env(HANDLER_ENV.configDir).makeOptionMandatory())
    .addOption(new Option('--status-dir <dir>', 'folder of the numbered status files').env(HANDLER_ENV.statusDir).makeOptionMandatory())
    .addOption(new Option('--state-dir <dir>', 'folder for what the extension keeps between runs').env(HANDLER_ENV.stateDir).makeOptionMandatory())
    .addOption(new Option('--heartbeat-file <file>', 'heartbeat file').env(HANDLER_ENV.heartbeat).makeOptionMandatory())
    .addOption(new Option('--log-dir <dir>', 'folder for script output').env(HANDLER_ENV.logDir).makeOptionMandatory())
    .addOption(new Option('--config <file>', "the machine's VMSnapshot configuration").default(DEFAULT_CONFIG_PATH));
}

/** Install: the freezer needs `fsfreeze` (util-linux) on the PATH. */
async function install(): Promise<void> {
  const found = await Promise.any(['/usr/sbin/fsfreeze', '/sbin/fsfreeze', '/usr/bin/fsfreeze'].map((p) => access(p))).then(() => true, () => false);
  if (!found) throw new ArcaError('UserErrorExtensionInstallationFailed', { vmName: 'this machine', reason: 'fsfreeze (util-linux) is not installed' });
}

/**
 * `arca extension vmsnapshot <install|enable|disable|uninstall|update>`: the VMSnapshot extension
 * as the agent's extension host starts it, one command of its handler manifest per run.
 */
export function extensionCommand(): Command {
  const vmsnapshot = new Command('vmsnapshot').description('the VMSnapshot extension (started by the agent)');
  vmsnapshot.addCommand(withRunOptions(new Command('install')).action(async (options: RunOptions) => {
    await install();
    await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  }));
  vmsnapshot.addCommand(withRunOptions(new Command('enable')).action(async (options: RunOptions) => {
    // Loaded on demand: the snapshot and repository engine are for this command only, not for every `arca` run.
    const [{ enableVmSnapshot }, { uploaderFromSettings }] = await Promise.all([import('./enable.ts'), import('./vault-uploader.ts')]);
    await enableVmSnapshot(runOf(options), { clock: systemClock, uploaderFor: uploaderFromSettings, log: (line) => process.stderr.write(`${line}\n`) });
  }));
  for (const name of ['disable', 'uninstall', 'update']) {
    // Nothing runs between tasks, so there is nothing to stop, remove or migrate beyond the host's folder.
    vmsnapshot.addCommand(withRunOptions(new Command(name)).action(() => undefined));
  }
  return new Command('extension').description('extensions the agent runs (not for interactive use)').addCommand(vmsnapshot);
}

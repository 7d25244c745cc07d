import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { loadAgentConfig, type LoadedAgentConfig } from '../config/load-agent-config.ts';
import { findCredentials, type AgentCredentials } from '../registration/credentials.ts';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program (no shell); a missing program answers code null with its error in stderr. */
export type CommandRunner = (file: string, args: readonly string[], signal: AbortSignal) => Promise<CommandResult>;

export const runCommand: CommandRunner = (file, args, signal) =>
  new Promise((resolve) => {
    execFile(file, [...args], { signal, timeout: 5000, maxBuffer: 4 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null;
      resolve({ code, stdout: String(stdout), stderr: error && code === null ? error.message : String(stderr) });
    });
  });

/** Files the machine checks read, so that tests can point them at prepared copies. */
export interface MachinePaths {
  /** /proc: stat, meminfo, loadavg, pressure/, self/mountinfo. */
  readonly procDir: string;
  /** /sys: SELinux and AppArmor switches, network interfaces. */
  readonly sysDir: string;
  /**
   * The kernel's block devices (partitions, loop backing files, holders). Always the real one: it
   * decides whether fsck may touch a file system, so no option points it elsewhere.
   */
  readonly blockDir: string;
  readonly rebootRequired: string;
  readonly updatesAvailable: string;
  readonly systemdRunDir: string;
  readonly dhcpLeaseDirs: readonly string[];
  readonly networkdConfigDirs: readonly string[];
  readonly interfacesFile: string;
}

export const SYSTEM_PATHS: MachinePaths = {
  procDir: '/proc',
  sysDir: '/sys',
  blockDir: '/sys/class/block',
  rebootRequired: '/var/run/reboot-required',
  updatesAvailable: '/var/lib/update-notifier/updates-available',
  systemdRunDir: '/run/systemd/system',
  dhcpLeaseDirs: ['/var/lib/dhcp', '/var/lib/dhclient', '/run/systemd/netif/leases', '/var/lib/NetworkManager'],
  networkdConfigDirs: ['/etc/systemd/network', '/run/systemd/network'],
  interfacesFile: '/etc/network/interfaces',
};

/**
 * The files of SYSTEM_PATHS read below `root` instead of `/` (a copy of a machine's /etc, /var and
 * /run that a test prepares); /proc and /sys keep their own options.
 */
export function pathsUnder(root: string): Partial<MachinePaths> {
  const under = (path: string) => join(root, path);
  return {
    rebootRequired: under(SYSTEM_PATHS.rebootRequired),
    updatesAvailable: under(SYSTEM_PATHS.updatesAvailable),
    systemdRunDir: under(SYSTEM_PATHS.systemdRunDir),
    dhcpLeaseDirs: SYSTEM_PATHS.dhcpLeaseDirs.map(under),
    networkdConfigDirs: SYSTEM_PATHS.networkdConfigDirs.map(under),
    interfacesFile: under(SYSTEM_PATHS.interfacesFile),
  };
}

/** What every machine check sees: the configuration as the agent reads it, the registration, and its inputs. */
export interface MachineContext {
  readonly loaded: LoadedAgentConfig;
  readonly credentials: AgentCredentials | undefined;
  readonly credentialsError?: string;
  /** The VM's name as the vault knows it (from the registration), else the host name. */
  readonly vmName: string;
  readonly paths: MachinePaths;
  readonly clock: Clock;
  readonly exec: CommandRunner;
  readonly nodeVersion: string;
  readonly agentVersion: string;
}

export interface MachineContextOptions {
  readonly configPath?: string;
  readonly paths?: Partial<MachinePaths>;
  readonly clock: Clock;
  readonly exec?: CommandRunner;
  readonly agentVersion: string;
}

export async function machineContext(options: MachineContextOptions): Promise<MachineContext> {
  const loaded = await loadAgentConfig(options.configPath);
  let credentials: AgentCredentials | undefined;
  let credentialsError: string | undefined;
  try {
    credentials = await findCredentials(loaded.config.libDir);
  } catch (error) {
    credentialsError = (error as Error).message;
  }
  const vmName = credentials?.vmResourceId.split('/').at(-1) ?? hostname();
  return {
    loaded,
    credentials,
    ...(credentialsError === undefined ? {} : { credentialsError }),
    vmName,
    paths: { ...SYSTEM_PATHS, ...options.paths },
    clock: options.clock,
    exec: options.exec ?? runCommand,
    nodeVersion: process.versions.node,
    agentVersion: options.agentVersion,
  };
}

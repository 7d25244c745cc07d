import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_STATUS_FILE } from '../daemon/agent-daemon.ts';
import { CREDENTIALS_FILE } from '../registration/credentials.ts';
import { fail, pass, warn, type Check, type Finding, type Fix } from './check.ts';
import { MACHINE_TITLES, MIN_NODE_MAJOR } from './titles.ts';
import type { MachineContext } from './machine-context.ts';

const SERVICE = 'arca-agent';

export const agentRegisteredCheck: Check<MachineContext> = {
  id: 'agent.registered',
  title: MACHINE_TITLES['agent.registered'],
  async run(context) {
    const libDir = context.loaded.config.libDir;
    const c = context.credentials;
    if (c) return pass({ en: `machine ${c.machineId} registered with ${c.vaultUrl} on ${c.registered}`, es: `máquina ${c.machineId} registrada en ${c.vaultUrl} el ${c.registered}` });
    return fail(context.credentialsError ?? { en: `no ${CREDENTIALS_FILE} in ${libDir}`, es: `no hay ${CREDENTIALS_FILE} en ${libDir}` }, 'UserErrorGuestAgentNotInstalled', { vmName: context.vmName });
  },
};

export async function hasSystemd(context: MachineContext): Promise<boolean> {
  return access(context.paths.systemdRunDir).then(
    () => true,
    () => false,
  );
}

/** Restarts the agent through systemd when the machine has it; otherwise says how to start it. */
export function restartAgentFix(context: MachineContext): Fix {
  return {
    description: { en: `restart the agent (systemctl restart ${SERVICE})`, es: `reiniciar el agente (systemctl restart ${SERVICE})` },
    destructive: false,
    async apply() {
      if (!(await hasSystemd(context))) {
        const start = `arca agent run --config ${context.loaded.path}`;
        return {
          en: `not restarted: this machine has no systemd; start the agent with \`${start}\` under your service manager`,
          es: `no se reinició: esta máquina no tiene systemd; inicie el agente con \`${start}\` desde su gestor de servicios`,
        };
      }
      const result = await context.exec('systemctl', ['restart', SERVICE], AbortSignal.timeout(8000));
      if (result.code !== 0) throw new Error(`systemctl: ${result.stderr.trim() || `exit ${String(result.code)}`}`);
      return { en: `restarted ${SERVICE} with systemctl`, es: `${SERVICE} reiniciado con systemctl` };
    },
  };
}

interface LocalStatus {
  readonly time?: string;
  readonly agent?: { readonly status?: string; readonly version?: string; readonly message?: string };
}

/**
 * The daemon writes status.json every period (Extensions.GoalStatePeriod); older than three periods
 * (at least 60 s) means it is not running. Where systemd runs, `systemctl is-active` is asked too.
 */
export const agentServiceCheck: Check<MachineContext> = {
  id: 'agent.service',
  title: MACHINE_TITLES['agent.service'],
  async run(context, signal) {
    const params = { vmName: context.vmName };
    const path = join(context.loaded.config.libDir, LOCAL_STATUS_FILE);
    const findings: Finding[] = [];
    if (await hasSystemd(context)) {
      const active = await context.exec('systemctl', ['is-active', SERVICE], signal);
      const state = active.stdout.trim() || 'unknown';
      if (state !== 'active') findings.push(fail(`systemctl is-active ${SERVICE}: ${state}`, 'UserErrorGuestAgentStatusUnavailable', params, restartAgentFix(context)));
    }
    let status: LocalStatus;
    try {
      status = JSON.parse(await readFile(path, 'utf8')) as LocalStatus;
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      findings.push(fail({ en: `${path} cannot be read (${why}): the agent has never run here`, es: `no se puede leer ${path} (${why}): el agente nunca se ha ejecutado aquí` }, 'UserErrorGuestAgentStatusUnavailable', params, restartAgentFix(context)));
      return findings;
    }
    const maxAgeMs = Math.max(60_000, 3 * context.loaded.config.goalStatePeriodSeconds * 1000);
    const ageMs = context.clock.now().getTime() - Date.parse(status.time ?? '');
    if (!(ageMs <= maxAgeMs)) {
      const seconds = Math.round(ageMs / 1000);
      const period = context.loaded.config.goalStatePeriodSeconds;
      const detail = Number.isFinite(ageMs)
        ? { en: `${path} is ${seconds} s old (the agent writes it every ${period} s): the agent is not running`, es: `${path} tiene ${seconds} s de antigüedad (el agente lo escribe cada ${period} s): el agente no se está ejecutando` }
        : { en: `${path} is without a time (the agent writes it every ${period} s): the agent is not running`, es: `${path} no tiene hora (el agente lo escribe cada ${period} s): el agente no se está ejecutando` };
      findings.push(fail(detail, 'UserErrorGuestAgentStatusUnavailable', params, restartAgentFix(context)));
      return findings;
    }
    if (status.agent?.status !== 'Ready') {
      const said = `${status.agent?.status ?? '-'}: ${status.agent?.message ?? ''}`.trim();
      findings.push(warn({ en: `the agent says ${said}`, es: `el agente indica ${said}` }, 'UserErrorGuestAgentStatusUnavailable', params));
    }
    const ago = Math.round(ageMs / 1000);
    const version = status.agent?.version ?? '';
    if (findings.length === 0) findings.push(pass({ en: `status.json written ${ago} s ago; agent ${version} Ready`, es: `status.json escrito hace ${ago} s; agente ${version} Ready` }));
    return findings;
  },
};

export const runtimeCheck: Check<MachineContext> = {
  id: 'agent.runtime',
  title: MACHINE_TITLES['agent.runtime'],
  async run(context) {
    const major = Number(context.nodeVersion.split('.')[0]);
    if (major >= MIN_NODE_MAJOR) return pass({ en: `Node.js ${context.nodeVersion}; agent ${context.agentVersion}`, es: `Node.js ${context.nodeVersion}; agente ${context.agentVersion}` });
    return fail({ en: `Node.js ${context.nodeVersion} is older than ${MIN_NODE_MAJOR}`, es: `Node.js ${context.nodeVersion} es anterior a ${MIN_NODE_MAJOR}` }, 'UserErrorGuestOsNotSupported', { vmName: context.vmName, os: `Node.js ${context.nodeVersion}` });
  },
};

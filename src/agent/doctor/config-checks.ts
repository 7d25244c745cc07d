import { copyFile, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../platform/files.ts';
import { KEY_ALIASES } from '../config/agent-config-keys.ts';
import { formatFinding } from '../config/parse-agent-config.ts';
import { fail, pass, warn, type Check, type Fix } from './check.ts';
import { MACHINE_TITLES } from './titles.ts';
import type { MachineContext } from './machine-context.ts';

const KEY = 'Extensions.Enabled';

/** A line that sets Extensions.Enabled under any spelling: the key, its alias, or a near miss (Extensions.Enabeld). */
function isExtensionsLine(written: string): boolean {
  const lower = written.toLowerCase();
  if (lower === KEY.toLowerCase() || Object.entries(KEY_ALIASES).some(([alias, key]) => key === KEY && alias.toLowerCase() === lower)) return true;
  return lower.startsWith('extensions.enab') || lower === 'extensions.enable' || lower === 'extension.enabled';
}

/**
 * Rewrites the file with one `Extensions.Enabled=y` in place of every line that set it under any
 * spelling; the original is kept beside it as `<file>.bak-<time>`. Mode 0644, as packages install it.
 */
export function extensionsFix(context: MachineContext): Fix {
  const path = context.loaded.path;
  return {
    description: { en: `set ${KEY}=y in ${path} (a copy of the file is kept first)`, es: `poner ${KEY}=y en ${path} (antes se guarda una copia del archivo)` },
    destructive: false,
    async apply() {
      let text = '';
      let backup = '';
      try {
        text = await readFile(path, 'utf8');
        backup = `${path}.bak-${context.clock.now().toISOString().replace(/[:.]/g, '')}`;
        await copyFile(path, backup);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const lines = text.split(/\r?\n/);
      let placed = false;
      const out: string[] = [];
      for (const line of lines) {
        const written = /^\s*([^#=\s][^=]*?)\s*=/.exec(line)?.[1];
        if (written !== undefined && isExtensionsLine(written)) {
          if (!placed) out.push(`${KEY}=y`);
          placed = true;
          continue;
        }
        out.push(line);
      }
      if (!placed) out.splice(out.at(-1) === '' ? out.length - 1 : out.length, 0, `${KEY}=y`);
      await writeFileAtomic(path, out.join('\n').replace(/\n*$/, '\n'), 0o644);
      return {
        en: `wrote ${KEY}=y into ${path}${backup ? `; the previous file is ${backup}` : ''}`,
        es: `${KEY}=y escrito en ${path}${backup ? `; el archivo anterior es ${backup}` : ''}`,
      };
    },
  };
}

/** Extensions.Enabled=y, written as documented: else the agent refuses snapshot tasks (GuestAgentSnapshotTaskStatusError). */
export const extensionsEnabledCheck: Check<MachineContext> = {
  id: 'config.extensions',
  title: MACHINE_TITLES['config.extensions'],
  async run(context) {
    const { loaded } = context;
    const params = { vmName: context.vmName };
    const about = loaded.findings.filter((f) => f.key !== undefined && isExtensionsLine(f.key));
    const refused = about.find((f) => f.severity === 'error');
    if (refused) {
      const found = formatFinding(loaded.path, refused);
      return fail({ en: `${found}: the agent does not start, so no snapshot task runs`, es: `${found}: el agente no arranca, así que no se ejecuta ninguna tarea de instantánea` }, 'GuestAgentSnapshotTaskStatusError', params, extensionsFix(context));
    }
    const line = loaded.origins[KEY];
    if (!loaded.config.extensionsEnabled) {
      const where = `${loaded.path}${line ? `:${line}` : ''}`;
      return fail({ en: `${where} sets ${KEY}=n: the agent refuses every snapshot task`, es: `${where} pone ${KEY}=n: el agente rechaza todas las tareas de instantánea` }, 'GuestAgentSnapshotTaskStatusError', params, extensionsFix(context));
    }
    const misspelled = about.find((f) => f.severity === 'warning');
    if (misspelled) return warn(`${formatFinding(loaded.path, misspelled)}`, 'GuestAgentSnapshotTaskStatusError', params, extensionsFix(context));
    return pass(line
      ? { en: `set on line ${line} of ${loaded.path}`, es: `definido en la línea ${line} de ${loaded.path}` }
      : { en: `not set in ${loaded.path}; the default y applies`, es: `no definido en ${loaded.path}; se aplica el valor predeterminado y` });
  },
};

/** Every other line of agent.conf: unknown keys and refused values stop the agent from starting. */
export const configFileCheck: Check<MachineContext> = {
  id: 'config.file',
  title: MACHINE_TITLES['config.file'],
  async run(context) {
    const { loaded } = context;
    const others = loaded.findings.filter((f) => f.key === undefined || !isExtensionsLine(f.key));
    const errors = others.filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      const findings = errors.map((f) => formatFinding(loaded.path, f)).join('; ');
      return fail(findings, 'AgentConfigurationInvalid', { path: loaded.path, count: errors.length, findings });
    }
    const warnings = others.filter((f) => f.severity === 'warning');
    if (warnings.length > 0) return warn(warnings.map((f) => formatFinding(loaded.path, f)).join('; '));
    const agent = `Provisioning.Agent=${loaded.config.provisioningAgent}`;
    return pass(loaded.fromFile
      ? { en: `${loaded.path}: every key known, every value accepted; ${agent}`, es: `${loaded.path}: todas las claves conocidas, todos los valores aceptados; ${agent}` }
      : { en: `${loaded.path} not found; the defaults apply`, es: `no se encontró ${loaded.path}; se aplican los valores predeterminados` });
  },
};

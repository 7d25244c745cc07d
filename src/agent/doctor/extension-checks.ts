import { access, constants, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findEntry, type CatalogCode } from '../../core/errors/index.ts';
import { CATALOG } from '../../core/errors/index.ts';
import { SNAPSHOT_EXTENSION } from '../../protocol/index.ts';
import { fail, pass, warn, type Check, type Finding, type Fix } from './check.ts';
import { MACHINE_TITLES } from './titles.ts';
import type { MachineContext } from './machine-context.ts';
import { mountOf, readMounts } from './mounts.ts';

/** A handler folder as the extension host leaves it (src/extensions/host/README.md), read without its code. */
export interface HandlerOnDisk {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly argv: readonly string[];
  readonly state?: { readonly state?: string; readonly failure?: { readonly command?: string; readonly code?: string; readonly message?: string } };
  readonly status?: { readonly sequence: number; readonly status: string; readonly code: number; readonly message: string; readonly timestamp: string };
  readonly heartbeatTime?: string;
}

const readJson = async <T>(path: string): Promise<T | undefined> => {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

async function latestStatus(dir: string): Promise<HandlerOnDisk['status']> {
  const names = await readdir(join(dir, 'status')).catch(() => [] as string[]);
  const sequence = names.map((n) => /^(\d+)\.status$/.exec(n)?.[1]).filter((n) => n !== undefined).map(Number).toSorted((a, b) => a - b).at(-1);
  if (sequence === undefined) return undefined;
  const body = await readJson<{ timestampUTC?: string; status?: { status?: string; code?: number; formattedMessage?: { message?: string } } }[]>(join(dir, 'status', `${sequence}.status`));
  const entry = body?.[0];
  if (!entry?.status) return undefined;
  return { sequence, status: String(entry.status.status), code: Number(entry.status.code ?? 0), message: String(entry.status.formattedMessage?.message ?? ''), timestamp: String(entry.timestampUTC ?? '') };
}

/** Every handler folder in Lib.Dir (one holding HandlerManifest.json). */
export async function handlersOnDisk(libDir: string): Promise<HandlerOnDisk[]> {
  const entries = await readdir(libDir, { withFileTypes: true }).catch(() => []);
  const handlers: HandlerOnDisk[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).toSorted((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(libDir, entry.name);
    const manifest = await readJson<{ name?: string; version?: string; commands?: { enable?: { argv?: string[] } } }>(join(dir, 'HandlerManifest.json'));
    if (!manifest?.name) continue;
    const state = await readJson<HandlerOnDisk['state']>(join(dir, 'state.json'));
    const status = await latestStatus(dir);
    const heartbeat = await readJson<{ time?: string }>(join(dir, 'heartbeat.json'));
    handlers.push({
      dir,
      name: manifest.name,
      version: String(manifest.version ?? ''),
      argv: manifest.commands?.enable?.argv ?? [],
      ...(state ? { state } : {}),
      ...(status ? { status } : {}),
      ...(heartbeat?.time ? { heartbeatTime: heartbeat.time } : {}),
    });
  }
  return handlers;
}

/**
 * Removing state.json makes the handler NotInstalled, and removing its status files drops the
 * failed answer: the next task installs it again from its package. Settings and logs stay.
 */
export function removeHandlerStateFix(handler: HandlerOnDisk): Fix {
  const state = join(handler.dir, 'state.json');
  const status = join(handler.dir, 'status');
  return {
    description: {
      en: `remove the handler state and status of ${handler.name} (${state}, ${status}/) so that the next backup installs it again`,
      es: `quitar el estado del controlador y los estados notificados de ${handler.name} (${state}, ${status}/) para que la próxima copia de seguridad lo vuelva a instalar`,
    },
    destructive: false,
    async apply() {
      await rm(state, { force: true });
      await rm(status, { recursive: true, force: true });
      return {
        en: `removed ${state} and ${status}/; the next backup installs ${handler.name} again`,
        es: `se quitaron ${state} y ${status}/; la próxima copia de seguridad vuelve a instalar ${handler.name}`,
      };
    },
  };
}

const STUCK_MS = 30 * 60_000;
const HEARTBEAT_STALE_MS = 5 * 60_000;

function codeFromStatus(numeric: number): CatalogCode | undefined {
  const entry = CATALOG.find((e) => e.numericCode === numeric);
  return entry ? (findEntry(entry.code)?.code as CatalogCode | undefined) : undefined;
}

function handlerFindings(handler: HandlerOnDisk, context: MachineContext): Finding {
  const params = { vmName: context.vmName, extensionName: handler.name };
  const label = `${handler.name} ${handler.version}`;
  const failure = handler.state?.failure;
  if (failure || handler.state?.state === 'FailedUpgrade') {
    const why = failure ? `${failure.command ?? 'a command'} failed: ${failure.code ?? ''} ${failure.message ?? ''}`.trim() : 'handler state FailedUpgrade';
    return fail(`${label}: ${why}`, 'UserErrorVmProvisioningStateFailed', params, removeHandlerStateFix(handler));
  }
  const status = handler.status;
  if (status?.status === 'error') {
    const code = codeFromStatus(status.code) ?? 'UserErrorVmProvisioningStateFailed';
    return fail(`${label}: status ${status.sequence} is error (${status.code}): ${status.message}`, code, params, removeHandlerStateFix(handler));
  }
  if (status?.status === 'transitioning') {
    const now = context.clock.now().getTime();
    const since = now - Date.parse(status.timestamp);
    const beating = handler.heartbeatTime !== undefined && now - Date.parse(handler.heartbeatTime) <= HEARTBEAT_STALE_MS;
    const stuck = { en: `${label}: transitioning since ${status.timestamp} and no heartbeat`, es: `${label}: en transición desde ${status.timestamp} y sin latido` };
    if (since > STUCK_MS && !beating) return fail(stuck, 'ExtensionStuckTransitioning', { ...params, minutes: Math.round(since / 60_000) }, removeHandlerStateFix(handler));
    return pass({ en: `${label}: working on sequence ${status.sequence}`, es: `${label}: trabajando en la secuencia ${status.sequence}` });
  }
  if (status?.status === 'warning') return warn(`${label}: status ${status.sequence} warning: ${status.message}`);
  return pass(`${label}: ${handler.state?.state ?? 'NotInstalled'}${status ? `, last status ${status.status}` : ''}`);
}

export const extensionsCheck: Check<MachineContext> = {
  id: 'extensions.status',
  title: MACHINE_TITLES['extensions.status'],
  async run(context) {
    const handlers = await handlersOnDisk(context.loaded.config.libDir);
    if (handlers.length === 0) return pass({ en: 'no extension installed yet; the first backup installs the snapshot extension', es: 'todavía no hay ninguna extensión instalada; la primera copia de seguridad instala la extensión de instantáneas' });
    return handlers.map((handler) => handlerFindings(handler, context));
  },
};

async function readSwitch(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then((t) => t.trim(), () => undefined);
}

/** The snapshot extension's program exists, may run, and sits on a mount without noexec; SELinux and AppArmor noted. */
export const snapshotFilesCheck: Check<MachineContext> = {
  id: 'extensions.snapshot-files',
  title: MACHINE_TITLES['extensions.snapshot-files'],
  async run(context) {
    const handler = (await handlersOnDisk(context.loaded.config.libDir)).find((h) => h.name.toLowerCase() === SNAPSHOT_EXTENSION.toLowerCase());
    if (!handler) return pass({ en: 'the snapshot extension is not installed yet', es: 'la extensión de instantáneas todavía no está instalada' });
    const params = { vmName: context.vmName };
    const mounts = await readMounts(context.paths.procDir).catch(() => []);
    const [program, script] = handler.argv;
    // noexec first: access(X_OK) is refused on such a mount too, which would hide the reason.
    // Only the program is executed; the script is read by it, which noexec allows.
    if (program?.startsWith('/')) {
      const real = await realpath(program).catch(() => program);
      const mount = mountOf(mounts, real);
      if (mount?.options.includes('noexec')) return fail({ en: `${real} is on ${mount.mountPoint}, mounted noexec`, es: `${real} está en ${mount.mountPoint}, montado con noexec` }, 'UserErrorExtensionBlockedBySecurityPolicy', { ...params, mechanism: `the noexec option of ${mount.mountPoint}`, path: real });
    }
    for (const [path, mode] of [[program, constants.X_OK], [script, constants.R_OK]] as const) {
      if (path === undefined || !path.startsWith('/')) continue;
      const missing = await access(path, mode).then(() => undefined, (error: NodeJS.ErrnoException) => error.code ?? 'error');
      if (missing) return fail(`${path}: ${missing}`, 'UserErrorExtensionInstallationFailed', { ...params, reason: `${path} is ${mode === constants.X_OK ? 'not executable' : 'not readable'} (${missing})` });
    }
    const notes: { en: string; es: string }[] = [{ en: `${program ?? '?'} runs ${script ?? ''}`.trim(), es: `${program ?? '?'} ejecuta ${script ?? ''}`.trim() }];
    const libDir = context.loaded.config.libDir;
    if ((await readSwitch(join(context.paths.sysDir, 'fs', 'selinux', 'enforce'))) === '1') notes.push({ en: `SELinux is enforcing: if the extension is denied, allow ${libDir} in the policy`, es: `SELinux está en modo enforcing: si se deniega la extensión, permita ${libDir} en la directiva` });
    if ((await readSwitch(join(context.paths.sysDir, 'module', 'apparmor', 'parameters', 'enabled'))) === 'Y') notes.push({ en: 'AppArmor is on: a profile confining node must allow the extension', es: 'AppArmor está activo: un perfil que restrinja node debe permitir la extensión' });
    return pass({ en: notes.map((n) => n.en).join('; '), es: notes.map((n) => n.es).join('; ') });
  },
};

import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';

/** How a context proves who it is: a bearer token as given, or a service principal's secret that buys one-hour tokens. */
export type ContextAuth =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'servicePrincipal'; readonly tenantId: string; readonly clientId: string; readonly clientSecret: string; readonly accessToken?: string; readonly expiresOn?: string };

/** One server and identity, with the defaults commands use when no flag says otherwise. */
export interface CliContext {
  readonly server: string;
  /** PEM of the server's CA, kept here so the context does not depend on where the file was. */
  readonly ca: string;
  readonly subscriptionId: string;
  readonly principal: { readonly name: string; readonly role: string };
  readonly auth: ContextAuth;
  readonly vault?: string;
  readonly resourceGroup?: string;
}

export interface CliConfig {
  readonly current?: string;
  readonly contexts: Readonly<Record<string, CliContext>>;
}

/** `ARCA_CONFIG`, else `$XDG_CONFIG_HOME/arca/config.json`, else `~/.config/arca/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): { path: string; isDefault: boolean } {
  if (env.ARCA_CONFIG) return { path: env.ARCA_CONFIG, isDefault: false };
  return { path: join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'arca', 'config.json'), isDefault: true };
}

const EMPTY: CliConfig = { contexts: {} };

/**
 * Reads the configuration. A missing file is an empty configuration; a file others can read is
 * refused, as ssh refuses a private key others can read: it holds tokens and secrets.
 */
export async function readConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) throw new ArcaError('CliConfigInsecure', { configFile: path, mode: (info.mode & 0o777).toString(8).padStart(4, '0') });
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ArcaError('CliConfigInvalid', { configFile: path, reason: 'it is not JSON' }, { cause: error });
  }
  const contexts = (parsed as { contexts?: unknown } | null)?.contexts;
  if (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts)) {
    throw new ArcaError('CliConfigInvalid', { configFile: path, reason: 'it has no "contexts" object' });
  }
  return parsed as CliConfig;
}

/**
 * Writes the configuration readable by its owner only (0600, replaced atomically). Its folder is
 * made 0700 when this creates it, and the default folder is kept 0700 whatever existed before; a
 * folder named through ARCA_CONFIG that already exists is not ours to change.
 */
export async function writeConfig(path: string, config: CliConfig, isDefault: boolean): Promise<void> {
  const dir = dirname(path);
  const existed = await stat(dir).then(() => true, () => false);
  if (!existed) await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!existed || isDefault) await chmod(dir, 0o700);
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  await chmod(path, 0o600);
}

import type { Command } from 'commander';
import { ArmClient } from '../../client/arm-client.ts';
import { BackupApi, partsOf, type Resource, type VaultRef } from '../../client/backup-api.ts';
import type { Connection } from '../../client/http.ts';
import { servicePrincipalToken } from '../../client/sign-in.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { outputContext, type OutputContext } from '../output.ts';
import { configPath, readConfig, writeConfig, type CliConfig, type CliContext } from './config-file.ts';

/** What every command that calls the vault gets: the API, where to write, and how to find its vault and machines. */
export interface Session {
  readonly api: BackupApi;
  readonly out: OutputContext;
  readonly contextName: string;
  readonly context: CliContext;
  /** The vault named by `--vault`/`--resource-group`, else the context's default, else the only vault there is. */
  vault(name?: string): Promise<VaultRef>;
  /** A machine by name (or full id), found in the subscription. */
  vm(name: string, resourceGroup?: string): Promise<{ resourceGroup: string; name: string; resource: Resource }>;
}

interface TargetOptions {
  context?: string;
  vault?: string;
  resourceGroup?: string;
}

/** A service principal's token is renewed a little before it expires, and the new one kept in the file. */
const RENEW_BEFORE_MS = 120_000;

function tokenSource(name: string, context: CliContext, language: 'en' | 'es', file: { path: string; isDefault: boolean }): () => Promise<string> {
  let auth = context.auth;
  return async () => {
    if (auth.kind === 'token') return auth.token;
    const now = systemClock.now();
    if (auth.accessToken && auth.expiresOn && Date.parse(auth.expiresOn) - RENEW_BEFORE_MS > now.getTime()) return auth.accessToken;
    const fresh = await servicePrincipalToken({ server: context.server, ca: context.ca, tenantId: auth.tenantId, language }, auth, now);
    auth = { ...auth, accessToken: fresh.accessToken, expiresOn: fresh.expiresOn };
    const config = await readConfig(file.path);
    const saved = config.contexts[name];
    if (saved) await writeConfig(file.path, { ...config, contexts: { ...config.contexts, [name]: { ...saved, auth } } }, file.isDefault);
    return fresh.accessToken;
  };
}

/** The context a command uses: `--context`, then ARCA_CONTEXT, then the configuration's current one. */
export function chooseContext(config: CliConfig, flag: string | undefined, path: string): { name: string; context: CliContext } {
  const name = flag || process.env.ARCA_CONTEXT || config.current;
  if (name === undefined || name === '') throw new ArcaError('CliNotSignedIn', { configFile: path });
  const context = config.contexts[name];
  if (!context) throw new ArcaError('CliContextNotFound', { configFile: path, context: name });
  return { name, context };
}

export function connectionOf(context: CliContext, token: () => Promise<string>, language: 'en' | 'es'): Connection {
  return { server: context.server, ca: context.ca, token, language };
}

export async function openSession(command: Command): Promise<Session> {
  const out = outputContext(command);
  const opts = command.optsWithGlobals<TargetOptions>();
  const file = configPath();
  const config = await readConfig(file.path);
  const { name, context } = chooseContext(config, opts.context, file.path);
  const api = new BackupApi(new ArmClient(connectionOf(context, tokenSource(name, context, out.language, file), out.language), context.subscriptionId));
  return {
    api,
    out,
    contextName: name,
    context,
    async vault(named) {
      const given = named ?? opts.vault;
      const vaultName = given ?? context.vault;
      const group = opts.resourceGroup ?? (given === undefined ? context.resourceGroup : undefined);
      if (vaultName !== undefined && group !== undefined) return { name: vaultName, resourceGroup: group };
      const vaults = await api.listVaults();
      const matches = vaultName === undefined ? vaults : vaults.filter((v) => v.name.toLowerCase() === vaultName.toLowerCase());
      if (vaultName === undefined && matches.length !== 1) {
        throw new ArcaError('CliVaultNotChosen', { reason: matches.length === 0 ? 'there is no vault yet' : `there are ${matches.length} vaults and no default` });
      }
      if (matches.length === 0) throw new ArcaError('ResourceNotFound', { resourceId: `vault ${vaultName}` });
      if (matches.length > 1) throw new ArcaError('CliNameAmbiguous', { kind: 'vault', name: vaultName ?? '', groups: matches.map((v) => partsOf(v.id).resourceGroup).join(', ') });
      const only = matches[0] as Resource;
      return { name: only.name, resourceGroup: partsOf(only.id).resourceGroup };
    },
    async vm(vmName, resourceGroup) {
      if (vmName.startsWith('/subscriptions/')) {
        const parts = partsOf(vmName);
        return { ...parts, resource: await api.getVm(parts.resourceGroup, parts.name) };
      }
      if (resourceGroup !== undefined) return { resourceGroup, name: vmName, resource: await api.getVm(resourceGroup, vmName) };
      const matches = (await api.listVms()).filter((v) => v.name.toLowerCase() === vmName.toLowerCase());
      if (matches.length === 0) throw new ArcaError('ResourceNotFound', { resourceId: `virtual machine ${vmName}` });
      if (matches.length > 1) throw new ArcaError('CliNameAmbiguous', { kind: 'virtual machine', name: vmName, groups: matches.map((v) => partsOf(v.id).resourceGroup).join(', ') });
      const only = matches[0] as Resource;
      return { ...partsOf(only.id), resource: only };
    },
  };
}

/** The options every command that calls the vault takes. */
export function withTarget(command: Command, options: { vault?: boolean } = { vault: true }): Command {
  command.option('--context <name>', 'the context to use (default: ARCA_CONTEXT, then the current one)');
  if (options.vault !== false) {
    command.option('--vault <name>', "the vault (default: the context's, or the only one)");
    command.option('--resource-group <name>', "the vault's resource group (default: found from the vault's name)");
  }
  return command;
}

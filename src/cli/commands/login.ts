import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ArmClient } from '../../client/arm-client.ts';
import { API_VERSIONS, BackupApi } from '../../client/backup-api.ts';
import { servicePrincipalToken } from '../../client/sign-in.ts';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { configPath, readConfig, writeConfig, type CliContext, type ContextAuth } from '../context/config-file.ts';
import { connectionOf } from '../context/session.ts';
import { outputContext, printJson } from '../output.ts';

interface LoginOptions {
  server: string;
  ca: string;
  name?: string;
  tokenFile?: string;
  tokenStdin?: boolean;
  clientId?: string;
  clientSecretStdin?: boolean;
  tenant?: string;
  vault?: string;
  resourceGroup?: string;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidArgument('--server', `"${text}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw invalidArgument('--server', 'Arca speaks https:// only: tokens never travel in clear text');
  return url.origin;
}

/** The credentials the flags name; exactly one way must be chosen. */
async function authOf(opts: LoginOptions, where: { server: string; ca: string; language: 'en' | 'es' }): Promise<ContextAuth> {
  const ways = [opts.tokenFile !== undefined, opts.tokenStdin === true, opts.clientId !== undefined].filter(Boolean).length;
  if (ways !== 1) throw invalidArgument('--token-file/--token-stdin/--client-id', 'choose exactly one way to sign in');
  if (opts.tokenFile !== undefined) return { kind: 'token', token: (await readFile(opts.tokenFile, 'utf8')).trim() };
  if (opts.tokenStdin) return { kind: 'token', token: await readStdin() };
  if (!opts.clientSecretStdin) throw invalidArgument('--client-secret-stdin', 'a service principal signs in with its secret on standard input, never on the command line');
  if (opts.tenant === undefined) throw invalidArgument('--tenant', 'name the tenant id (given with the client secret, and in the server\'s server.json)');
  const clientSecret = await readStdin();
  const first = await servicePrincipalToken({ ...where, tenantId: opts.tenant }, { clientId: opts.clientId as string, clientSecret }, systemClock.now());
  return { kind: 'servicePrincipal', tenantId: opts.tenant, clientId: opts.clientId as string, clientSecret, accessToken: first.accessToken, expiresOn: first.expiresOn };
}

/** `arca login`: checks the credentials against the server, then keeps them as a context and makes it current. */
export function loginCommand(): Command {
  return new Command('login')
    .description('sign in to an Arca server and keep it as a context (server, CA, credentials, default vault)')
    .requiredOption('--server <url>', 'the server, https://HOST:PORT')
    .requiredOption('--ca <file>', "the server's CA certificate (PEM): the only CA trusted for this context")
    .option('--name <context>', 'name of the context (default: HOST:PORT)')
    .option('--token-file <file>', 'a file holding a bearer token (a user token, or the admin token)')
    .option('--token-stdin', 'read the bearer token from standard input')
    .option('--client-id <id>', 'sign in as this service principal (with --tenant and --client-secret-stdin)')
    .option('--client-secret-stdin', "read the service principal's secret from standard input")
    .option('--tenant <id>', 'the tenant id of the service principal')
    .option('--vault <name>', 'default vault of the context')
    .option('--resource-group <name>', "default vault's resource group")
    .addHelpText(
      'after',
      '\nExamples:\n  arca login --server https://vault.example:8443 --ca .arca/tls/ca.pem --token-file .arca/admin-token\n  printf %s "$SECRET" | arca login --server https://vault.example:8443 --ca ca.pem --tenant TENANT --client-id ID --client-secret-stdin --name ci\n',
    )
    .action(async function (this: Command, opts: LoginOptions) {
      const out = outputContext(this);
      const server = serverUrl(opts.server);
      const ca = await readFile(opts.ca, 'utf8').catch((error: unknown) => {
        throw invalidArgument('--ca', `cannot read ${opts.ca}: ${(error as Error).message}`);
      });
      if (!ca.includes('BEGIN CERTIFICATE')) throw invalidArgument('--ca', `${opts.ca} holds no PEM certificate`);
      const auth = await authOf(opts, { server, ca, language: out.language });
      const token = auth.kind === 'token' ? auth.token : (auth.accessToken as string);
      const probe = new BackupApi(new ArmClient(connectionOf({ server, ca } as CliContext, async () => token, out.language), ''));
      const who = await probe.whoami();
      if (who.subscriptionId === undefined) {
        throw new ArcaError('CliUnexpectedResponse', { method: 'GET', path: '/arca/whoami', status: 200, what: 'no subscription id (a server older than this client)' });
      }
      const name = opts.name ?? new URL(server).host;
      const context: CliContext = {
        server,
        ca,
        subscriptionId: who.subscriptionId,
        principal: { name: who.name, role: who.role },
        auth,
        ...(opts.vault ? { vault: opts.vault } : {}),
        ...(opts.resourceGroup ? { resourceGroup: opts.resourceGroup } : {}),
      };
      const file = configPath();
      const config = await readConfig(file.path);
      await writeConfig(file.path, { ...config, current: name, contexts: { ...config.contexts, [name]: context } }, file.isDefault);
      const shown = { context: name, server, subscriptionId: who.subscriptionId, principal: who.name, role: who.role, configFile: file.path, apiVersion: API_VERSIONS.arca };
      if (out.format === 'json') return printJson(out, shown);
      const l = out.language === 'es'
        ? [`Sesión iniciada en ${server} como ${who.name} (${who.role}).`, `  contexto actual: ${name}`, `  suscripción:     ${who.subscriptionId}`, `  configuración:   ${file.path} (solo legible por usted)`]
        : [`Signed in to ${server} as ${who.name} (${who.role}).`, `  current context: ${name}`, `  subscription:    ${who.subscriptionId}`, `  configuration:   ${file.path} (readable by you only)`];
      out.write(`${l.join('\n')}\n`);
    });
}

import { lookup } from 'node:dns/promises';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { isArcaError } from '../../core/errors/index.ts';
import { loadTrustedCa } from '../registration/credentials.ts';
import { httpsAgentFor, transportError, type VaultEndpoint } from '../vault/vault-client.ts';
import { fail, pass, warn, type Check, type Finding } from './check.ts';
import { MACHINE_TITLES } from './titles.ts';
import type { MachineContext } from './machine-context.ts';

const MAX_SKEW_S = 60;
const WARN_SKEW_S = 5;

/** One GET /healthz: the server's Date header and status, or the transport failure. */
function probe(endpoint: VaultEndpoint, signal: AbortSignal): Promise<{ status: number; date: string | undefined }> {
  const agent = httpsAgentFor(endpoint);
  return new Promise<{ status: number; date: string | undefined }>((resolve, reject) => {
    const req = request(new URL('/healthz', endpoint.url), { agent, signal, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, date: res.headers.date }));
    });
    req.on('error', reject);
    req.end();
  }).finally(() => agent.destroy());
}

/**
 * The seed's network steps, in the order they fail: the vault's name resolves, its port answers
 * (through HttpProxy.* when set), its certificate is valid for the pinned CA, and the clocks agree.
 */
export const vaultEndpointCheck: Check<MachineContext> = {
  id: 'network.vault',
  title: MACHINE_TITLES['network.vault'],
  timeoutMs: 5000,
  async run(context, signal) {
    const { config } = context.loaded;
    const url = config.vaultUrl ?? context.credentials?.vaultUrl;
    if (url === undefined) return warn({ en: 'no vault known: set Vault.Url or register the agent (`arca agent register`)', es: 'no se conoce ningún almacén: defina Vault.Url o registre el agente (`arca agent register`)' });
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const proxy = config.httpProxy ? `${config.httpProxy.host}:${config.httpProxy.port}` : undefined;
    const via = { en: proxy ? ` through proxy ${proxy}` : '', es: proxy ? ` a través del proxy ${proxy}` : '' };
    if (!config.httpProxy && isIP(host) === 0) {
      try {
        await lookup(host);
      } catch (error) {
        const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return fail({ en: `${host} does not resolve: ${why}`, es: `${host} no se resuelve: ${why}` }, 'AgentVaultUnreachable', { endpoint: url, reason: `the name ${host} does not resolve` });
      }
    }
    let ca: string | undefined;
    try {
      ca = await loadTrustedCa(config.libDir, config.vaultCaFile);
    } catch (error) {
      return fail((error as Error).message, 'UserErrorSecureChannelFailed', { vmName: context.vmName, endpoint: url, reason: (error as Error).message });
    }
    let answer: { status: number; date: string | undefined };
    try {
      answer = await probe({ url, ...(ca === undefined ? {} : { ca }), ...(config.httpProxy ? { proxy: config.httpProxy } : {}) }, signal);
    } catch (error) {
      const classified = transportError(url, error, context.vmName);
      const reason = String(classified.params.reason ?? (error as Error).message);
      return fail({ en: `${url}${via.en}: ${reason}`, es: `${url}${via.es}: ${reason}` }, isArcaError(classified) ? (classified.code as 'AgentVaultUnreachable') : 'AgentVaultUnreachable', { ...classified.params, vmName: context.vmName });
    }
    const answered = {
      en: `${url}${via.en} answered ${answer.status}; certificate valid for ${ca === undefined ? "the system's CAs" : 'the pinned CA'}`,
      es: `${url}${via.es} respondió ${answer.status}; certificado válido para ${ca === undefined ? 'las CA del sistema' : 'la CA fijada'}`,
    };
    const findings: Finding[] = [pass(answered)];
    const serverTime = Date.parse(answer.date ?? '');
    if (Number.isFinite(serverTime)) {
      const skew = Math.round((context.clock.now().getTime() - serverTime) / 1000);
      const params = { vmName: context.vmName, endpoint: url, seconds: skew };
      const off = { en: `this machine's clock is ${skew} s from the vault's`, es: `el reloj de esta máquina está a ${skew} s del del almacén` };
      if (Math.abs(skew) > MAX_SKEW_S) findings.push(fail(off, 'MachineClockSkewed', params));
      else if (Math.abs(skew) > WARN_SKEW_S) findings.push(warn(off, 'MachineClockSkewed', params));
    }
    return findings;
  },
};

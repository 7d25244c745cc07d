import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fetchPinnedCa, fingerprintOf } from '../../src/agent/vault/ca-pinning.ts';
import { httpsAgentFor, vaultRequest } from '../../src/agent/vault/vault-client.ts';
import { isArcaError } from '../../src/core/errors/index.ts';
import { createCertificateAuthority, createServerCertificate } from '../../src/server/tls/certificates.ts';

/** The agent's HTTPS through an HTTP CONNECT proxy (HttpProxy.*), and CA pinning through it, on loopback. */
describe('agent HTTPS through a proxy', () => {
  const tunnels: string[] = [];
  let caPem: string;
  let vaultUrl: string;
  let proxyPort: number;
  const vault = createHttpsServer();
  const proxy = createHttpServer();

  before(async () => {
    const ca = await createCertificateAuthority(new Date());
    const server = await createServerCertificate(ca, new Date(), ['127.0.0.1']);
    caPem = ca.certPem;
    vault.setSecureContext({ key: server.keyPem, cert: `${server.certPem.trimEnd()}\n${ca.certPem}` });
    vault.on('request', (_req, res) => res.end('{"status":"ok"}'));
    vault.listen(0, '127.0.0.1');
    await once(vault, 'listening');
    vaultUrl = `https://127.0.0.1:${(vault.address() as AddressInfo).port}`;
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    proxyPort = (proxy.address() as AddressInfo).port;
  });

  after(() => {
    vault.closeAllConnections();
    proxy.closeAllConnections();
    vault.close();
    proxy.close();
  });

  it('tunnels requests to the vault through the proxy, trusting only the pinned CA', async () => {
    const endpoint = { url: vaultUrl, ca: caPem, proxy: { host: '127.0.0.1', port: proxyPort } };
    const agent = httpsAgentFor(endpoint);
    try {
      const response = await vaultRequest(endpoint, agent, { method: 'GET', path: '/healthz' });
      assert.deepEqual([response.status, response.body], [200, '{"status":"ok"}']);
    } finally {
      agent.destroy();
    }
    assert.deepEqual(tunnels, [new URL(vaultUrl).host]);
  });

  it('pins the CA through the proxy, and refuses a fingerprint the server does not present', async () => {
    const proxied = { url: vaultUrl, proxy: { host: '127.0.0.1', port: proxyPort } };
    assert.equal(fingerprintOf(await fetchPinnedCa(proxied, fingerprintOf(caPem))), fingerprintOf(caPem));
    await assert.rejects(fetchPinnedCa(proxied, 'ab'.repeat(32)), (error: unknown) => isArcaError(error) && error.code === 'AgentCaFingerprintMismatch');
  });

  it('an unreachable proxy is AgentVaultUnreachable', async () => {
    const endpoint = { url: vaultUrl, ca: caPem, proxy: { host: '127.0.0.1', port: 1 } };
    const agent = httpsAgentFor(endpoint);
    try {
      await assert.rejects(vaultRequest(endpoint, agent, { method: 'GET', path: '/healthz' }), (error: unknown) => isArcaError(error) && error.code === 'AgentVaultUnreachable');
    } finally {
      agent.destroy();
    }
  });
});

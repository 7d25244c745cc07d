import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority } from '../src/server/tls/certificates.ts';
import { startServer, type RunningServer } from './support/arca-process.ts';
import { httpsGet } from './support/https-client.ts';

describe('arca server (real process, HTTPS on loopback)', () => {
  let dataDir: string;
  let server: RunningServer;
  let ca: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-server-'));
    // As a package might leave it: open to everyone. The server must close it.
    await chmod(dataDir, 0o755);
    server = await startServer(dataDir);
    ca = await readFile(join(dataDir, 'tls', 'ca.pem'), 'utf8');
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints its URL, the CA file and how to check it', () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.banner.includes(join(dataDir, 'tls', 'ca.pem')));
    assert.match(server.banner, /created a new CA/);
  });

  it('keeps private keys readable by their owner only', async () => {
    for (const name of ['ca.key', 'server.key']) {
      const mode = (await stat(join(dataDir, 'tls', name))).mode & 0o777;
      assert.equal(mode, 0o600, name);
    }
    assert.equal((await stat(join(dataDir, 'tls'))).mode & 0o077, 0);
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700, 'the data directory was tightened');
    for (const name of ['metadata.db', 'metadata.db-wal']) {
      const mode = await stat(join(dataDir, name)).then((s) => s.mode & 0o077, () => 0);
      assert.equal(mode, 0, `${name} is not readable by others`);
    }
  });

  it('answers the health endpoint over TLS that verifies against its own CA', async () => {
    const response = await httpsGet(`${server.url}/healthz`, ca);
    assert.equal(response.status, 200);
    const body = response.json<{ status: string; version: string }>();
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.ok(response.headers['x-ms-request-id']);
  });

  it('is refused by a client that does not trust its CA', async () => {
    const stranger = await createCertificateAuthority(new Date(), 'Some other CA');
    await assert.rejects(httpsGet(`${server.url}/healthz`, stranger.certPem), (error: NodeJS.ErrnoException) => {
      assert.match(String(error.code), /UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      return true;
    });
  });

  it('serves the error catalog, localized by Accept-Language', async () => {
    const list = await httpsGet(`${server.url}/arca/errors`, ca);
    assert.equal(list.status, 200);
    assert.ok(list.json<{ value: unknown[] }>().value.length >= 60);
    const one = await httpsGet(`${server.url}/arca/errors/usererrorrpcollectionlimitreached`, ca, { 'accept-language': 'es-ES,es;q=0.9' });
    assert.equal(one.status, 200);
    const body = one.json<{ code: string; language: string; rendered: { title: string }; es: { title: string } }>();
    assert.equal(body.code, 'UserErrorRpCollectionLimitReached');
    assert.equal(body.language, 'es');
    assert.equal(body.rendered.title, body.es.title);
  });

  it('answers unknown codes and paths with the ARM error envelope', async () => {
    const unknownCode = await httpsGet(`${server.url}/arca/errors/Nope`, ca);
    assert.equal(unknownCode.status, 404);
    const envelope = unknownCode.json<{ error: { code: string; message: string; additionalInfo: { info: { numericCode: number } }[] } }>();
    assert.equal(envelope.error.code, 'UserErrorUnknownErrorCode');
    assert.match(envelope.error.message, /Nope/);
    assert.equal(envelope.error.additionalInfo[0]?.info.numericCode, 770909);

    const unknownPath = await httpsGet(`${server.url}/subscriptions/x/nothing`, ca, { 'accept-language': 'es' });
    assert.equal(unknownPath.status, 404);
    assert.equal(unknownPath.json<{ error: { code: string } }>().error.code, 'ResourceNotFound');
  });

  it('creates an admin token on first start, readable by its owner only, and names the file', async () => {
    const file = join(dataDir, 'admin-token');
    assert.ok(server.banner.includes(file));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const token = (await readFile(file, 'utf8')).trim();
    assert.ok(!server.banner.includes(token), 'the secret itself is never printed');
    const me = await httpsGet(`${server.url}/arca/whoami`, ca, { authorization: `Bearer ${token}` });
    assert.equal(me.status, 200);
    const who = me.json<{ name: string; role: string; subscriptionId: string }>();
    assert.deepEqual([who.name, who.role], ['bootstrap admin', 'Owner']);
    assert.match(who.subscriptionId, /^[0-9a-f-]{36}$/, 'whoami names the subscription ARM paths live under');
  });

  it('refuses calls without a valid token with 401 and the catalog code, in the caller\'s language', async () => {
    const none = await httpsGet(`${server.url}/arca/whoami`, ca);
    assert.equal(none.status, 401);
    assert.equal(none.json<{ error: { code: string } }>().error.code, 'InvalidAuthenticationToken');
    const wrong = await httpsGet(`${server.url}/arca/whoami`, ca, { authorization: 'Bearer arca_not-a-real-token', 'accept-language': 'es' });
    assert.equal(wrong.status, 401);
    assert.doesNotMatch(wrong.body, /not-a-real-token/);
  });

  it('exposes Prometheus metrics, counting requests by route pattern', async () => {
    await httpsGet(`${server.url}/arca/errors/UserErrorFsFreezeFailed`, ca);
    const metrics = await httpsGet(`${server.url}/metrics`, ca);
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /text\/plain/);
    assert.match(metrics.body, /^arca_process_cpu_user_seconds_total \d/m);
    assert.match(metrics.body, /arca_http_requests_total\{method="GET",route="\/arca\/errors\/:code",status="200"\} [1-9]/);
    assert.doesNotMatch(metrics.body, /UserErrorFsFreezeFailed/, 'raw URLs are not labels');
  });

  it('keeps its CA across restarts and exits cleanly on SIGTERM', async () => {
    assert.equal(await server.stop(), 0);
    server = await startServer(dataDir);
    assert.doesNotMatch(server.banner, /created a new CA/);
    assert.match(server.banner, /admin token: +the one created on first start/);
    assert.equal(await readFile(join(dataDir, 'tls', 'ca.pem'), 'utf8'), ca);
    assert.equal((await httpsGet(`${server.url}/healthz`, ca)).status, 200);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { httpsRequest, type HttpsResponse } from '../support/https-client.ts';

const V = '2026-11-01';
type ErrorBody = { error: { code: string; message: string } };
type OAuthError = { error: string; error_description: string; error_codes: number[]; trace_id: string };
type ServicePrincipal = { id: string; name: string; type: string; role: string; clientId: string; clientSecret: string; tenantId: string; tokenEndpoint: string };
type User = { id: string; name: string; role: string; token: string; tokenId: string };
type AuditEntry = { time: string; principal: string; role: string; method: string; path: string; status: number; code?: string; requestId: string };

describe('access over HTTPS: principals, the token endpoint, tokens, registration tokens, audit', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  /** Every secret the test saw, to prove none reaches the audit log or the server's log. */
  const secrets: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-access-'));
    // The most talkative log level: even then no secret may appear in it.
    server = await startServer(dataDir, ['--log-level', 'trace']);
    const admin = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    secrets.push(admin);
    arm = await ArmTestClient.forDataDir(dataDir, admin);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function servicePrincipal(name: string, role: string): Promise<ServicePrincipal> {
    const created = await arm.request('POST', '/arca/principals', { apiVersion: V, body: { name, type: 'ServicePrincipal', role } });
    assert.equal(created.status, 201, created.body);
    const body = created.json<ServicePrincipal>();
    secrets.push(body.clientSecret);
    return body;
  }

  function tokenRequest(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpsResponse> {
    const body = new URLSearchParams(form).toString();
    return httpsRequest('POST', `${server.url}${path}`, arm.ca, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body);
  }

  function signIn(sp: ServicePrincipal, secret = sp.clientSecret, tenant = arm.info.tenantId): Promise<HttpsResponse> {
    const form = { grant_type: 'client_credentials', client_id: sp.clientId, client_secret: secret, scope: 'https://management.azure.com/.default' };
    return tokenRequest(`/${tenant}/oauth2/v2.0/token`, form);
  }

  it('creates a service principal whose client secret is shown once, and trades it for an hour-long token with its role', async () => {
    const sp = await servicePrincipal('ci pipeline', 'BackupOperator');
    assert.match(sp.clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(sp.clientSecret, /^arcasp_[A-Za-z0-9_-]{43}$/);
    assert.equal(sp.tenantId, arm.info.tenantId);
    assert.equal(sp.tokenEndpoint, `${server.url}/${arm.info.tenantId}/oauth2/v2.0/token`);
    const read = await arm.request('GET', `/arca/principals/${sp.id}`, { apiVersion: V });
    assert.equal(read.status, 200, read.body);
    assert.deepEqual(Object.keys(read.json<object>()).toSorted(), ['clientId', 'created', 'createdBy', 'id', 'name', 'role', 'type']);

    const issued = await signIn(sp);
    assert.equal(issued.status, 200, issued.body);
    assert.equal(issued.headers['cache-control'], 'no-store');
    const token = issued.json<{ token_type: string; access_token: string; expires_in: number; ext_expires_in: number }>();
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 3600);
    assert.equal(token.ext_expires_in, 3600);
    secrets.push(token.access_token);
    const me = await arm.as(token.access_token).request('GET', '/arca/whoami');
    assert.deepEqual(me.json(), { name: 'ci pipeline', role: 'BackupOperator', subscriptionId: arm.info.subscriptionId, tenantId: arm.info.tenantId });

    const v1 = await tokenRequest(`/${arm.info.tenantId.toUpperCase()}/oauth2/token`, { grant_type: 'client_credentials', client_id: sp.clientId, client_secret: sp.clientSecret, resource: 'https://management.azure.com/' });
    assert.equal(v1.status, 200, v1.body);
    const old = v1.json<{ access_token: string; expires_on: string; resource: string }>();
    secrets.push(old.access_token);
    assert.equal(old.resource, 'https://management.azure.com/');
    assert.match(old.expires_on, /^\d+$/);
  });

  it('refuses an unknown client and a wrong secret alike, with OAuth\'s invalid_client (401) and no ARM envelope', async () => {
    const sp = await servicePrincipal('nightly', 'Reader');
    const wrong = await signIn(sp, `arcasp_${'x'.repeat(43)}`);
    const unknown = await signIn({ ...sp, clientId: '00000000-0000-4000-8000-000000000000' });
    for (const refused of [wrong, unknown]) {
      assert.equal(refused.status, 401, refused.body);
      const body = refused.json<OAuthError>();
      assert.equal(body.error, 'invalid_client');
      assert.deepEqual(body.error_codes, [771100]);
      assert.match(body.error_description, /^ARCA771100: /);
      assert.ok(!('code' in body) && !refused.body.includes(sp.clientSecret) && !refused.body.includes('xxxxxxxx'));
      assert.equal(body.trace_id, refused.headers['x-ms-request-id']);
    }
    assert.equal(wrong.json<OAuthError>().error_description, unknown.json<OAuthError>().error_description, 'the answer does not tell which was wrong');
  });

  const malformed: [string, (tenant: string, sp: ServicePrincipal) => Promise<HttpsResponse>, number, string, number][] = [
    ['another tenant', (_t, sp) => signIn(sp, sp.clientSecret, '11111111-1111-4111-8111-111111111111'), 400, 'invalid_request', 771101],
    ['another grant', (t, sp) => tokenRequest(`/${t}/oauth2/v2.0/token`, { grant_type: 'password', client_id: sp.clientId, client_secret: 'x' }), 400, 'unsupported_grant_type', 771103],
    ['no client secret', (t, sp) => tokenRequest(`/${t}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: sp.clientId }), 400, 'invalid_request', 771103],
    ['a JSON body', (t, sp) => httpsRequest('POST', `${server.url}/${t}/oauth2/v2.0/token`, arm.ca, {}, { grant_type: 'client_credentials', client_id: sp.clientId }), 400, 'invalid_request', 771103],
    ['a body over 4 KiB', (t) => tokenRequest(`/${t}/oauth2/v2.0/token`, { grant_type: 'client_credentials', scope: 'x'.repeat(5000) }), 413, 'invalid_request', 771103],
  ];
  for (const [what, send, status, error, numeric] of malformed) {
    it(`answers ${what} with ${status} ${error}`, async () => {
      const sp = await servicePrincipal(`sp for ${what}`, 'Reader');
      const response = await send(arm.info.tenantId, sp);
      assert.equal(response.status, status, response.body);
      const body = response.json<OAuthError>();
      assert.equal(body.error, error);
      assert.deepEqual(body.error_codes, [numeric]);
    });
  }

  it('after 10 failed sign-ins in a minute answers 429 with Retry-After, even to the right secret', async () => {
    const sp = await servicePrincipal('guessed at', 'Reader');
    for (let i = 0; i < 10; i++) assert.equal((await signIn(sp, `arcasp_guess${i}${'A'.repeat(38)}`)).status, 401);
    const throttled = await signIn(sp);
    assert.equal(throttled.status, 429, throttled.body);
    assert.equal(throttled.json<OAuthError>().error, 'temporarily_unavailable');
    assert.ok(Number(throttled.headers['retry-after']) >= 1 && Number(throttled.headers['retry-after']) <= 60);
    assert.equal((await signIn(await servicePrincipal('neighbour', 'Reader'))).status, 200, 'other clients are not held back');
  });

  it('revoking a service principal revokes the tokens issued to it and refuses its secret', async () => {
    const sp = await servicePrincipal('retired robot', 'BackupContributor');
    const token = (await signIn(sp)).json<{ access_token: string }>().access_token;
    secrets.push(token);
    assert.equal((await arm.as(token).request('GET', '/arca/whoami')).status, 200);
    const revoked = await arm.request('DELETE', `/arca/principals/${sp.id}`, { apiVersion: V });
    assert.equal(revoked.status, 200, revoked.body);
    assert.ok(revoked.json<{ revoked?: string }>().revoked);
    assert.equal((await arm.as(token).request('GET', '/arca/whoami')).status, 401);
    const again = await signIn(sp);
    assert.equal(again.status, 401);
    assert.equal(again.json<OAuthError>().error, 'invalid_client');
    assert.equal((await arm.request('DELETE', `/arca/principals/${sp.id}`, { apiVersion: V })).status, 200, 'revoking twice is harmless');
    assert.equal((await arm.request('DELETE', '/arca/principals/no-such-principal', { apiVersion: V })).status, 204);
    const missing = await arm.request('GET', '/arca/principals/no-such-principal', { apiVersion: V });
    assert.equal(missing.status, 404);
    assert.equal(missing.json<ErrorBody>().error.code, 'PrincipalNotFound');
  });

  it('creates users with a bearer token, lists principals and tokens without secrets, and revokes a token by id', async () => {
    const created = await arm.request('POST', '/arca/principals', { apiVersion: V, body: { name: 'Ana (auditor)', type: 'User', role: 'Reader', tokenExpiresInDays: 30 } });
    assert.equal(created.status, 201, created.body);
    const user = created.json<User & { tokenExpires: string }>();
    secrets.push(user.token);
    assert.match(user.token, /^arca_/);
    assert.ok(Date.parse(user.tokenExpires) > Date.now() + 29 * 86_400_000);
    assert.deepEqual((await arm.as(user.token).request('GET', '/arca/whoami')).json(), { name: 'Ana (auditor)', role: 'Reader', subscriptionId: arm.info.subscriptionId, tenantId: arm.info.tenantId });

    const principals = await arm.request('GET', '/arca/principals', { apiVersion: V });
    assert.equal(principals.status, 200);
    assert.ok(principals.json<{ value: { id: string }[] }>().value.some((p) => p.id === user.id));
    const tokens = await arm.request('GET', `/arca/tokens?principalId=${user.id}`, { apiVersion: V });
    assert.equal(tokens.status, 200, tokens.body);
    assert.deepEqual(tokens.json<{ value: { id: string }[] }>().value.map((t) => t.id), [user.tokenId]);
    for (const listing of [principals.body, tokens.body, (await arm.request('GET', '/arca/tokens', { apiVersion: V })).body]) {
      assert.doesNotMatch(listing, /hash|salt|clientSecret|"secret"|arca_|arcasp_/i);
    }

    assert.equal((await arm.request('DELETE', `/arca/tokens/${user.tokenId}`, { apiVersion: V })).status, 200);
    assert.equal((await arm.as(user.token).request('GET', '/arca/whoami')).status, 401);
    assert.equal((await arm.request('DELETE', '/arca/tokens/tok-none', { apiVersion: V })).status, 204);

    const badRole = await arm.request('POST', '/arca/principals', { apiVersion: V, body: { name: 'x', type: 'User', role: 'Agent' } });
    assert.equal(badRole.status, 400);
    assert.match(badRole.json<ErrorBody>().error.message, /role/);
  });

  it('creates a one-time registration token for a machine, shown once', async () => {
    const created = await arm.request('POST', '/arca/registrationTokens', { apiVersion: V, body: { machineId: 'web-01', expiresInMinutes: 30 } });
    assert.equal(created.status, 201, created.body);
    const body = created.json<{ id: string; machineId: string; expires: string; secret: string }>();
    secrets.push(body.secret);
    assert.match(body.secret, /^arcareg_/);
    assert.equal(body.machineId, 'web-01');
    assert.ok(Math.abs(Date.parse(body.expires) - Date.now() - 30 * 60_000) < 60_000);
    for (const bad of [{ machineId: 'no spaces please' }, { machineId: 'vm1', expiresInMinutes: 0 }, { expiresInMinutes: 5 }]) {
      assert.equal((await arm.request('POST', '/arca/registrationTokens', { apiVersion: V, body: bad })).status, 400, JSON.stringify(bad));
    }
  });

  it('lists the audit log newest first, pages it, filters by time, and keeps no secret', async () => {
    const first = await arm.request('GET', '/arca/audit?$top=3', { apiVersion: V });
    assert.equal(first.status, 200, first.body);
    const page = first.json<{ value: AuditEntry[]; nextLink?: string }>();
    assert.equal(page.value.length, 3);
    assert.ok(page.nextLink?.includes('$skiptoken='));
    const times = page.value.map((e) => e.time);
    assert.deepEqual(times.toSorted().toReversed(), times, 'newest first');
    const entry = page.value[0] as AuditEntry;
    for (const field of ['principal', 'role', 'method', 'path', 'status', 'time', 'requestId']) assert.ok(field in entry, field);
    const second = await arm.request('GET', page.nextLink as string);
    assert.equal(second.status, 200);
    assert.ok(second.json<{ value: AuditEntry[] }>().value.every((e) => e.time <= (times[2] as string)));

    const all: AuditEntry[] = [];
    for (let next: string | undefined = arm.url('/arca/audit?$top=1000', V); next; ) {
      const body: { value: AuditEntry[]; nextLink?: string } = (await arm.request('GET', next)).json();
      all.push(...body.value);
      next = body.nextLink;
    }
    assert.ok(all.some((e) => e.method === 'POST' && e.path === '/arca/principals' && e.status === 201 && e.principal === 'bootstrap admin'));
    assert.ok(all.some((e) => e.path.endsWith('/oauth2/v2.0/token') && e.status === 200 && e.role === 'BackupOperator'), 'sign-ins are audited');
    assert.ok(all.some((e) => e.path.endsWith('/oauth2/v2.0/token') && e.status === 401 && e.code === 'InvalidClientCredentials'), 'failed sign-ins too');
    const since = await arm.request('GET', `/arca/audit?since=${encodeURIComponent(times[0] as string)}`, { apiVersion: V });
    assert.ok(since.json<{ value: AuditEntry[] }>().value.every((e) => e.time >= (times[0] as string)));
    assert.equal((await arm.request('GET', '/arca/audit?since=yesterday', { apiVersion: V })).status, 400);

    const everything = JSON.stringify(all);
    for (const secret of secrets) assert.ok(!everything.includes(secret.slice(-20)), 'a secret reached the audit log');
  });

  it('writes no secret to its log, not even at trace level', () => {
    const log = server.output();
    assert.match(log, /incoming request/, 'the log was captured');
    for (const secret of secrets) assert.ok(!log.includes(secret.slice(-20)), 'a secret reached the log');
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

const V = '2021-04-01';
type ErrorBody = { error: { code: string; message: string } };

describe('ARM basics over HTTPS: resource groups, api-version, subscription, paging, etags, OpenAPI', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-rg-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes server.json with the URL, the CA file and the subscription, readable by its owner only', async () => {
    assert.equal(arm.info.url, server.url);
    assert.match(arm.info.subscriptionId, /^[0-9a-f-]{36}$/);
    assert.ok(server.banner.includes(arm.info.subscriptionId));
    assert.equal((await stat(join(dataDir, 'server.json'))).mode & 0o077, 0);
  });

  it('creates (201), updates (200), reads and lists resource groups; paths match in any case', async () => {
    const created = await arm.request('PUT', '/resourcegroups/Prod-RG', { apiVersion: V, body: { location: 'West Europe', tags: { env: 'prod' } } });
    assert.equal(created.status, 201, created.body);
    const body = created.json<{ id: string; name: string; location: string; type: string; properties: { provisioningState: string }; etag: string }>();
    assert.equal(body.id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/Prod-RG`);
    assert.equal(body.location, 'westeurope');
    assert.equal(body.properties.provisioningState, 'Succeeded');
    const updated = await arm.request('PUT', '/resourceGroups/prod-rg', { apiVersion: V, body: { location: 'westeurope', tags: { env: 'p2' } } });
    assert.equal(updated.status, 200, updated.body);
    assert.equal(updated.json<{ name: string }>().name, 'Prod-RG', 'the name keeps the case it was created with');
    const read = await arm.request('GET', '/RESOURCEGROUPS/PROD-RG', { apiVersion: V });
    assert.equal(read.status, 200);
    assert.deepEqual(read.json<{ tags: unknown }>().tags, { env: 'p2' });
  });

  it('pages lists with $top and an absolute nextLink that carries the query', async () => {
    for (const n of [1, 2, 3]) assert.equal((await arm.request('PUT', `/resourcegroups/page-${n}`, { apiVersion: V, body: { location: 'eastus' } })).status, 201);
    const names: string[] = [];
    let next: string | undefined = arm.url('/resourcegroups?$top=2', V);
    let pages = 0;
    while (next) {
      const page = await arm.request('GET', next);
      assert.equal(page.status, 200, page.body);
      const body = page.json<{ value: { name: string }[]; nextLink?: string }>();
      names.push(...body.value.map((v) => v.name));
      if (body.nextLink) assert.match(body.nextLink, /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+api-version=2021-04-01.*\$skiptoken=/);
      next = body.nextLink;
      pages++;
    }
    assert.ok(pages >= 2);
    for (const n of ['page-1', 'page-2', 'page-3']) assert.ok(names.includes(n), n);
    assert.equal(new Set(names).size, names.length, 'no group twice');
  });

  it('refuses a missing or unsupported api-version, another subscription and a bad body with catalog codes', async () => {
    const missing = await arm.request('GET', '/resourcegroups/Prod-RG');
    assert.equal(missing.status, 400);
    assert.equal(missing.json<ErrorBody>().error.code, 'MissingApiVersionParameter');
    const wrong = await arm.request('GET', '/resourcegroups/Prod-RG', { apiVersion: '1999-01-01' });
    assert.equal(wrong.json<ErrorBody>().error.code, 'InvalidApiVersionParameter');
    assert.match(wrong.json<ErrorBody>().error.message, /2021-04-01/);
    const other = await arm.request('GET', '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/x', { apiVersion: V });
    assert.equal(other.status, 404);
    assert.equal(other.json<ErrorBody>().error.code, 'SubscriptionNotFound');
    const noLocation = await arm.request('PUT', '/resourcegroups/x1', { apiVersion: V, body: { tags: {} } });
    assert.equal(noLocation.status, 400);
    assert.equal(noLocation.json<ErrorBody>().error.code, 'InvalidRequestContent');
    const malformed = await arm.request('PUT', '/resourcegroups/x2', { apiVersion: V, body: '{"location":', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json<ErrorBody>().error.code, 'InvalidRequestContent');
    const poisoned = await arm.request('PUT', '/resourcegroups/x3', { apiVersion: V, body: '{"location":"eastus","__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } });
    assert.equal(poisoned.status, 400, 'prototype poisoning is refused');
    const badName = await arm.request('PUT', '/resourcegroups/bad.', { apiVersion: V, body: { location: 'eastus' } });
    assert.equal(badName.status, 400);
    const notFound = await arm.request('GET', '/resourcegroups/nope', { apiVersion: V });
    assert.equal(notFound.status, 404);
    assert.equal(notFound.json<ErrorBody>().error.code, 'ResourceGroupNotFound');
  });

  it('honours If-Match and If-None-Match', async () => {
    const read = await arm.request('GET', '/resourcegroups/Prod-RG', { apiVersion: V });
    const etag = read.json<{ etag: string }>().etag;
    const stale = await arm.request('PUT', '/resourcegroups/Prod-RG', { apiVersion: V, body: { location: 'westeurope' }, headers: { 'if-match': 'W/"999"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.json<ErrorBody>().error.code, 'PreconditionFailed');
    const fresh = await arm.request('PUT', '/resourcegroups/Prod-RG', { apiVersion: V, body: { location: 'westeurope' }, headers: { 'if-match': etag } });
    assert.equal(fresh.status, 200);
    const createOnly = await arm.request('PUT', '/resourcegroups/Prod-RG', { apiVersion: V, body: { location: 'westeurope' }, headers: { 'if-none-match': '*' } });
    assert.equal(createOnly.status, 409);
    assert.equal(createOnly.json<ErrorBody>().error.code, 'ResourceAlreadyExists');
  });

  it('deletes an empty group (200), then answers 204 and 404', async () => {
    // As curl scripts send it: a JSON content type and no body at all.
    const deleted = await arm.request('DELETE', '/resourcegroups/page-3', { apiVersion: V, headers: { 'content-type': 'application/json' } });
    assert.equal(deleted.status, 200, deleted.body);
    assert.equal((await arm.request('DELETE', '/resourcegroups/page-3', { apiVersion: V })).status, 204);
    assert.equal((await arm.request('GET', '/resourcegroups/page-3', { apiVersion: V })).status, 404);
  });

  it('requires a token on every ARM call', async () => {
    const anonymous = await arm.as('').request('GET', '/resourcegroups', { apiVersion: V, headers: { authorization: '' } });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json<ErrorBody>().error.code, 'InvalidAuthenticationToken');
  });

  it('publishes an OpenAPI document listing what it serves', async () => {
    const doc = await arm.request('GET', '/arca/openapi.json');
    assert.equal(doc.status, 200);
    const body = doc.json<{ openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[] }>> }>();
    assert.equal(body.openapi, '3.1.0');
    const path = body.paths['/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}'];
    assert.ok(path?.put && path.get && path.delete);
    assert.ok(path.put.parameters.some((p) => p.name === 'api-version'));
  });
});

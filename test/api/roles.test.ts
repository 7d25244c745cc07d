import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allows, isAction, redeemRegistrationToken, USER_ROLES, type Action, type Role } from '../../src/server/auth/index.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

const V = '2026-11-01';
const MACHINE = 'roles-test-vm';
const ROLES: readonly Role[] = [...USER_ROLES, 'Agent'];

type Operation = { description: string; parameters: { name: string; in: string; schema: { enum?: string[] } }[] };
type ErrorBody = { error: { code: string } };

interface Route {
  readonly method: string;
  readonly template: string;
  readonly action: Action;
  readonly apiVersion: string;
}

/** Every operation of the OpenAPI document, with the permission its description names. */
function routesOf(document: { paths: Record<string, Record<string, Operation>> }): Route[] {
  const routes: Route[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const action = /Needs the `(\w+)` permission/.exec(operation.description)?.[1];
      assert.ok(isAction(action), `${method.toUpperCase()} ${template} names no known permission: ${operation.description}`);
      const apiVersion = operation.parameters.find((p) => p.in === 'query' && p.name === 'api-version')?.schema.enum?.[0];
      assert.ok(apiVersion, `${method.toUpperCase()} ${template} lists no api-version`);
      routes.push({ method: method.toUpperCase(), template, action, apiVersion });
    }
  }
  return routes;
}

/**
 * Walks every route the server documents, so routes added later are covered without touching this
 * test: a role without the route's permission is refused with 403 AuthorizationFailed (the Agent
 * role on every route), and the least role that has it is not. Path parameters are placeholders:
 * what an allowed call answers after authorization (404, 400) does not matter here.
 */
describe('roles are enforced on every documented operation', () => {
  let dataDir: string;
  let server: RunningServer;
  let owner: ArmTestClient;
  const tokens = new Map<Role, string>();
  let routes: Route[];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-roles-'));
    server = await startServer(dataDir);
    owner = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    for (const role of USER_ROLES) {
      const created = await owner.request('POST', '/arca/principals', { apiVersion: V, body: { name: `${role} user`, type: 'User', role } });
      assert.equal(created.status, 201, created.body);
      tokens.set(role, created.json<{ token: string }>().token);
    }
    // The agent redeems its registration token as the agent issue will: the same function, on the server's database.
    const registration = await owner.request('POST', '/arca/registrationTokens', { apiVersion: V, body: { machineId: MACHINE } });
    assert.equal(registration.status, 201, registration.body);
    const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    try {
      const agent = await redeemRegistrationToken(store, registration.json<{ secret: string }>().secret, { machineId: MACHINE, now: new Date() });
      tokens.set('Agent', agent.secret);
    } finally {
      await store.close();
    }
    const document = await owner.request('GET', '/arca/openapi.json');
    assert.equal(document.status, 200);
    routes = routesOf(document.json());
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function pathOf(route: Route): string {
    return route.template.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'subscriptionId' ? owner.info.subscriptionId : `placeholder-${name.toLowerCase()}`));
  }

  function call(role: Role, route: Route) {
    const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
    return owner.as(tokens.get(role) as string).request(route.method, pathOf(route), { apiVersion: route.apiVersion, ...(body ? { body } : {}) });
  }

  it('finds the routes in the document, reads among them and administration', () => {
    assert.ok(routes.some((r) => r.method === 'GET' && r.action === 'read'));
    assert.ok(routes.some((r) => r.template === '/arca/principals' && r.method === 'POST' && r.action === 'administer'));
  });

  it('refuses with 403 AuthorizationFailed every role that lacks the permission, Agent everywhere, and audits refused changes', async () => {
    const refusedChanges: string[] = [];
    for (const route of routes) {
      for (const role of ROLES) {
        if (role !== 'Agent' && allows(role, route.action)) continue;
        const response = await call(role, route);
        const what = `${role} on ${route.method} ${route.template}`;
        assert.equal(response.status, 403, `${what}: ${response.body}`);
        assert.equal(response.json<ErrorBody>().error.code, 'AuthorizationFailed', what);
        if (route.method !== 'GET') refusedChanges.push(String(response.headers['x-ms-request-id']));
      }
    }
    const audited = new Set<string>();
    for (let next: string | undefined = owner.url('/arca/audit?$top=1000', V); next; ) {
      const page: { value: { requestId: string; status: number; code?: string }[]; nextLink?: string } = (await owner.request('GET', next)).json();
      for (const entry of page.value) if (entry.status === 403 && entry.code === 'AuthorizationFailed') audited.add(entry.requestId);
      next = page.nextLink;
    }
    assert.deepEqual(refusedChanges.filter((id) => !audited.has(id)), [], 'every refused change is in the audit log');
  });

  it('lets the least role with the permission through authorization, and every role but Agent read', async () => {
    for (const route of routes) {
      const roles = route.method === 'GET' ? USER_ROLES.filter((r) => allows(r, route.action)) : USER_ROLES.filter((r) => allows(r, route.action)).slice(0, 1);
      if (route.action === 'read') assert.deepEqual(roles, [...USER_ROLES], `${route.method} ${route.template}`);
      for (const role of roles) {
        const response = await call(role, route);
        assert.ok(response.status !== 401 && response.status !== 403, `${role} on ${route.method} ${route.template}: ${response.status} ${response.body}`);
      }
    }
  });

  it('a refused change leaves nothing behind', async () => {
    const reader = owner.as(tokens.get('Reader') as string);
    const refused = await reader.request('PUT', '/resourcegroups/reader-made', { apiVersion: '2021-04-01', body: { location: 'eastus' } });
    assert.equal(refused.status, 403);
    assert.equal((await owner.request('GET', '/resourcegroups/reader-made', { apiVersion: '2021-04-01' })).status, 404);
    const principal = await owner.as(tokens.get('BackupContributor') as string).request('POST', '/arca/principals', { apiVersion: V, body: { name: 'sneaky', type: 'User', role: 'Owner' } });
    assert.equal(principal.status, 403);
    const listed = (await owner.request('GET', '/arca/principals', { apiVersion: V })).json<{ value: { name: string }[] }>();
    assert.ok(!listed.value.some((p) => p.name === 'sneaky'));
  });
});

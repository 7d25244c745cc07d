import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errors/index.ts';
import { formatResourceId } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, listBody, objectBody, pagingOf, stringField, type ArmDeps } from '../arm/index.ts';
import { createRegistrationToken, pageTokens, revokeToken } from '../auth/index.ts';
import { checkNewVirtualMachine } from '../resources/index.ts';

const MAX_REGISTRATION_MINUTES = 7 * 24 * 60;
const DEFAULT_REGISTRATION_MINUTES = 60;

/** Bearer tokens (list, revoke) and agents' one-time registration tokens (create). Owner only. */
export function registerTokenRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.arca;

  armRoute<Record<string, string>>(app, deps, {
    method: 'GET',
    url: '/arca/tokens',
    action: 'administer',
    apiVersions,
    summary: 'List bearer tokens (never their secrets), revoked and expired ones included; `principalId` keeps one principal\'s',
    handler: async (request) => {
      const principalId = request.query.principalId;
      const page = await pageTokens(deps.store, { ...pagingOf(request), ...(principalId ? { principalId } : {}) });
      return { status: 200, body: listBody(request, page, (r) => r.data) };
    },
  });

  armRoute<{ tokenId: string }>(app, deps, {
    method: 'DELETE',
    url: '/arca/tokens/:tokenId',
    action: 'administer',
    apiVersions,
    summary: 'Revoke a bearer token',
    responses: { '200': 'Revoked', '204': 'There was no such token' },
    handler: async (request) => ((await revokeToken(deps.store, request.params.tokenId, request.now)) ? { status: 200 } : { status: 204 }),
  });

  armRoute<Record<string, string>>(app, deps, {
    method: 'POST',
    url: '/arca/registrationTokens',
    action: 'administer',
    apiVersions,
    summary:
      'Create a one-time registration token with which the agent of one machine obtains its own credentials: for an existing machine (`machineId`, its vmId) or for a new one its registration creates (`resourceGroup`, `vmName`, `location`)',
    requestBody: {
      type: 'object',
      properties: {
        machineId: { type: 'string', maxLength: 64, description: 'An existing machine: its vmId' },
        resourceGroup: { type: 'string', maxLength: 90, description: 'A new machine: the existing resource group its registration creates it in' },
        vmName: { type: 'string', maxLength: 64, description: 'A new machine: its name, free in the resource group' },
        location: { type: 'string', maxLength: 64, description: "A new machine: its region (default: the resource group's)" },
        expiresInMinutes: { type: 'integer', minimum: 1, maximum: MAX_REGISTRATION_MINUTES, default: DEFAULT_REGISTRATION_MINUTES },
      },
    },
    responses: { '201': 'Created; the secret in this answer is never shown again' },
    handler: async (request) => {
      const body = objectBody(request.body);
      const existing = stringField(body, 'machineId', 'machineId', { max: 64 });
      const resourceGroup = stringField(body, 'resourceGroup', 'resourceGroup', { max: 90 });
      const vmName = stringField(body, 'vmName', 'vmName', { max: 64 });
      const location = stringField(body, 'location', 'location', { max: 64 });
      const minutes = body.expiresInMinutes ?? DEFAULT_REGISTRATION_MINUTES;
      if (!(Number.isInteger(minutes) && (minutes as number) >= 1 && (minutes as number) <= MAX_REGISTRATION_MINUTES)) {
        throw invalidArgument('expiresInMinutes', `expected a whole number from 1 to ${MAX_REGISTRATION_MINUTES}`);
      }
      const forNewVm = resourceGroup !== undefined || vmName !== undefined || location !== undefined;
      if (existing !== undefined && forNewVm) {
        throw invalidArgument('machineId', 'give either machineId (an existing machine) or resourceGroup and vmName (a machine its registration creates), not both');
      }
      if (existing === undefined && !forNewVm) throw invalidArgument('machineId', 'required, unless resourceGroup and vmName name a machine to create');
      if (forNewVm && resourceGroup === undefined) throw invalidArgument('resourceGroup', 'required with vmName: the resource group the new machine goes in');
      if (forNewVm && vmName === undefined) throw invalidArgument('vmName', 'required with resourceGroup: the name of the new machine');
      const expiresAt = new Date(request.now.getTime() + (minutes as number) * 60_000);
      // The agent pins the CA with this fingerprint when it registers (`arca agent register --ca-fingerprint`).
      const pin = deps.caFingerprint ? { caFingerprint: deps.caFingerprint } : {};
      if (existing !== undefined) {
        const created = await createRegistrationToken(deps.store, { machineId: existing, expiresAt, now: request.now });
        return { status: 201, body: { id: created.id, machineId: existing, expires: created.expires, secret: created.secret, ...pin } };
      }
      // A machine that does not exist yet: checked as a VM PUT would be now, and again when the agent registers.
      const machineId = randomUUID();
      return deps.store.transaction(async (tx) => {
        const intended = await checkNewVirtualMachine(tx, { subscriptionId: deps.installation.subscriptionId, resourceGroup: resourceGroup as string, vmName: vmName as string, location });
        const { id, ...intendedVm } = intended;
        const created = await createRegistrationToken(tx, { machineId, expiresAt, now: request.now, intendedVm });
        const vm = { id: formatResourceId(id), resourceGroup: intendedVm.resourceGroup, name: intendedVm.vmName, location: intendedVm.location };
        return { status: 201, body: { id: created.id, machineId, vm, expires: created.expires, secret: created.secret, ...pin } };
      });
    },
  });
}

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import { authenticate } from '../auth/index.ts';
import type { Installation } from '../arm/installation.ts';
import type { MetadataStore } from '../persistence/index.ts';

/** Who the bearer token belongs to; the smallest authenticated call, for `arca login` and doctor. */
export function registerWhoamiRoutes(app: FastifyInstance, deps: { store: MetadataStore; clock: Clock; installation?: Installation }): void {
  app.get('/arca/whoami', async (request) => {
    // Any valid token may ask who it is, agents included: that is how a client checks its credentials.
    const principal = await authenticate(request.headers.authorization, deps.store, deps.clock.now());
    // The subscription and tenant let a client (`arca login`) build ARM paths without reading server.json.
    const where = deps.installation ? { subscriptionId: deps.installation.subscriptionId, tenantId: deps.installation.tenantId } : {};
    return { name: principal.name, role: principal.role, ...(principal.machineId ? { machineId: principal.machineId } : {}), ...where };
  });
}

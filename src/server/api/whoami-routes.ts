import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import { authenticate } from '../auth/index.ts';
import type { MetadataStore } from '../persistence/index.ts';

/** Who the bearer token belongs to; the smallest authenticated call, for `arca login` and doctor. */
export function registerWhoamiRoutes(app: FastifyInstance, deps: { store: MetadataStore; clock: Clock }): void {
  app.get('/arca/whoami', async (request) => {
    // Any valid token may ask who it is, agents included: that is how a client checks its credentials.
    const principal = await authenticate(request.headers.authorization, deps.store, deps.clock.now());
    return { name: principal.name, role: principal.role, ...(principal.machineId ? { machineId: principal.machineId } : {}) };
  });
}

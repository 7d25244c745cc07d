import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.ts';

/** Liveness for load balancers and `arca doctor`: answers without touching storage. */
export function registerHealthRoutes(app: FastifyInstance, deps: { clock: Clock; version: string; startedAt: Date }): void {
  app.get('/healthz', async () => ({
    status: 'ok',
    version: deps.version,
    time: deps.clock.now().toISOString(),
    uptimeSeconds: Math.round((deps.clock.now().getTime() - deps.startedAt.getTime()) / 1000),
  }));
}

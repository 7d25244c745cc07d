import type { FastifyInstance } from 'fastify';
import type { ArmDeps } from '../arm/index.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { registerPrincipalRoutes } from './principal-routes.ts';
import { registerTokenEndpoint } from './token-endpoint.ts';
import { registerTokenRoutes } from './token-routes.ts';

/** Who may call the API: principals, tokens, registration tokens, the audit log, and the token endpoint. */
export function registerAccessRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerPrincipalRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerTokenEndpoint(app, deps);
}

export { tokenEndpointPath } from './token-endpoint.ts';

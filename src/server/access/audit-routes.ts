import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errors/index.ts';
import { API_VERSIONS, armRoute, listAudit, listBody, pagingOf, type ArmDeps } from '../arm/index.ts';

/** The audit log: every change asked of the API and every sign-in of a known client, newest first. Owner only. */
export function registerAuditRoutes(app: FastifyInstance, deps: ArmDeps): void {
  armRoute<Record<string, string>>(app, deps, {
    method: 'GET',
    url: '/arca/audit',
    action: 'administer',
    apiVersions: API_VERSIONS.arca,
    summary: 'List audit entries newest first; `since` (ISO-8601 time) keeps later ones, `$top` and `$skiptoken` page',
    handler: async (request) => {
      const since = sinceOf(request.query.since);
      const page = await listAudit(deps.store, { ...pagingOf(request), ...(since === undefined ? {} : { since }) });
      return { status: 200, body: listBody(request, page, (r) => r.data) };
    },
  });
}

/** Normalized to the stored form (UTC, milliseconds), so string order is time order. */
function sinceOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) throw invalidArgument('since', 'expected an ISO-8601 time such as 2026-01-31T00:00:00Z');
  return new Date(time).toISOString();
}

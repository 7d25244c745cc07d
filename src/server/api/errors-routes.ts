import type { FastifyInstance } from 'fastify';
import { ArcaError, CATALOG, findEntry, renderEntry } from '../../core/errors/index.ts';
import { languageOf } from './arm-error.ts';

/** The error catalog, for the portal, the CLI and anyone scripting against codes. */
export function registerErrorRoutes(app: FastifyInstance): void {
  app.get('/arca/errors', async () => ({ value: CATALOG }));

  app.get<{ Params: { code: string } }>('/arca/errors/:code', async (request) => {
    const entry = findEntry(request.params.code);
    if (!entry) throw new ArcaError('UserErrorUnknownErrorCode', { code: request.params.code });
    const language = languageOf(request.headers);
    return { ...entry, language, rendered: renderEntry(entry, language) };
  });
}

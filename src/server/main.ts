import { join, resolve } from 'node:path';
import { ensurePrivateDir } from '../platform/files.ts';
import { systemClock } from '../platform/system-clock.ts';
import { ARCA_VERSION } from '../platform/version.ts';
import { buildApp } from './app.ts';
import { ADMIN_TOKEN_FILE, bootstrapAdminToken } from './auth/index.ts';
import { SqliteMetadataStore } from './persistence/index.ts';
import { ensureTlsMaterial } from './tls/tls-material.ts';

export interface ServerOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
}

/** Composition root of `arca server`: builds the concrete parts, listens, and shuts down cleanly. */
export async function runServer(options: ServerOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  // Files the server creates (SQLite and its -wal/-shm, certificates' temporaries) are its own only.
  process.umask(0o077);
  await ensurePrivateDir(dataDir);
  const tls = await ensureTlsMaterial(dataDir, systemClock, options.host === '0.0.0.0' ? [] : [options.host]);
  const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
  let admin;
  try {
    admin = await bootstrapAdminToken(store, { now: systemClock.now(), dataDir });
  } catch (error) {
    await store.close();
    throw error;
  }
  const app = buildApp({
    clock: systemClock,
    store,
    version: ARCA_VERSION,
    https: { key: tls.server.keyPem, cert: tls.server.certPem },
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
  });
  const address = await app.listen({ host: options.host, port: options.port }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const url = address.replace(/^https:\/\/(?:0\.0\.0\.0|\[::\])/, 'https://127.0.0.1');
  process.stderr.write(
    [
      `Arca ${ARCA_VERSION} vault server is listening on ${url}`,
      `  data directory: ${dataDir}${tls.created === 'all' ? ' (created a new CA and certificate)' : ''}`,
      `  CA certificate: ${tls.caCertPath}`,
      `  check it:       curl --cacert ${tls.caCertPath} ${url}/healthz`,
      `  error catalog:  ${url}/arca/errors`,
      admin?.path
        ? `  admin token:    created in ${admin.path} (readable by you only); send it as "Authorization: Bearer <token>"`
        : `  admin token:    the one created on first start, in ${join(dataDir, ADMIN_TOKEN_FILE)} unless you moved it`,
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().finally(() => store.close()).then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

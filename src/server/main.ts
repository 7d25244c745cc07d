import { join, resolve } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../platform/files.ts';
import { systemClock } from '../platform/system-clock.ts';
import { ARCA_VERSION } from '../platform/version.ts';
import { buildApp } from './app.ts';
import { loadInstallation } from './arm/index.ts';
import { ADMIN_TOKEN_FILE, bootstrapAdminToken } from './auth/index.ts';
import { SqliteMetadataStore } from './persistence/index.ts';
import { JobEngine } from './jobs/index.ts';
import { ensureTlsMaterial } from './tls/tls-material.ts';

/** Written at every start: URL, CA file and subscription id, for scripts and the CLI. */
export const SERVER_INFO_FILE = 'server.json';

export interface ServerOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly retryAfter: number;
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
  let installation;
  const bootstrapSecret = process.env.ARCA_BOOTSTRAP_TOKEN || undefined;
  try {
    installation = await loadInstallation(store, systemClock.now());
    admin = await bootstrapAdminToken(store, { now: systemClock.now(), dataDir, ...(bootstrapSecret ? { secret: bootstrapSecret } : {}) });
  } catch (error) {
    await store.close();
    throw error;
  }
  const app = buildApp({
    clock: systemClock,
    store,
    version: ARCA_VERSION,
    installation,
    retryAfterSeconds: options.retryAfter,
    https: { key: tls.server.keyPem, cert: tls.server.certPem },
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
  });
  const address = await app.listen({ host: options.host, port: options.port }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // One engine per process, on the process's one store connection (ADR 4); handlers are registered before start.
  const jobs = new JobEngine();
  jobs.start({ store, clock: systemClock, log: app.log });
  const url = address.replace(/^https:\/\/(?:0\.0\.0\.0|\[::\])/, 'https://127.0.0.1');
  // What clients need to find and trust this server, for scripts and the CLI (no secret in it).
  const serverInfo = { url, caFile: tls.caCertPath, subscriptionId: installation.subscriptionId, tenantId: installation.tenantId, version: ARCA_VERSION, pid: process.pid };
  await writeFileAtomic(join(dataDir, SERVER_INFO_FILE), `${JSON.stringify(serverInfo, null, 2)}\n`, 0o600);
  const tokenLine = bootstrapSecret
    ? `  admin token:    the one given in ARCA_BOOTSTRAP_TOKEN at first start; send it as "Authorization: Bearer <token>"`
    : admin?.path
      ? `  admin token:    created in ${admin.path} (readable by you only); send it as "Authorization: Bearer <token>"`
      : `  admin token:    the one created on first start, in ${join(dataDir, ADMIN_TOKEN_FILE)} unless you moved it`;
  process.stderr.write(
    [
      `Arca ${ARCA_VERSION} vault server is listening on ${url}`,
      `  data directory: ${dataDir}${tls.created === 'all' ? ' (created a new CA and certificate)' : ''}`,
      `  CA certificate: ${tls.caCertPath}`,
      `  check it:       curl --cacert ${tls.caCertPath} ${url}/healthz`,
      `  subscription:   ${installation.subscriptionId} (ARM paths live under /subscriptions/${installation.subscriptionId})`,
      `  server info:    ${join(dataDir, SERVER_INFO_FILE)}`,
      `  API document:   ${url}/arca/openapi.json`,
      `  token endpoint: ${url}/${installation.tenantId}/oauth2/v2.0/token (client credentials of service principals)`,
      `  error catalog:  ${url}/arca/errors`,
      tokenLine,
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    Promise.allSettled([app.close(), jobs.stop()]).finally(() => store.close()).then(
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

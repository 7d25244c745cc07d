import { resolve } from 'node:path';
import { ensurePrivateDir } from '../platform/files.ts';
import { systemClock } from '../platform/system-clock.ts';
import { ARCA_VERSION } from '../platform/version.ts';
import { buildApp } from './app.ts';
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
  await ensurePrivateDir(dataDir);
  const tls = await ensureTlsMaterial(dataDir, systemClock, options.host === '0.0.0.0' ? [] : [options.host]);
  const app = buildApp({
    clock: systemClock,
    version: ARCA_VERSION,
    https: { key: tls.server.keyPem, cert: tls.server.certPem },
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
  });
  const address = await app.listen({ host: options.host, port: options.port });
  const url = address.replace(/^https:\/\/(?:0\.0\.0\.0|\[::\])/, 'https://127.0.0.1');
  process.stderr.write(
    [
      `Arca ${ARCA_VERSION} vault server is listening on ${url}`,
      `  data directory: ${dataDir}${tls.created === 'all' ? ' (created a new CA and certificate)' : ''}`,
      `  CA certificate: ${tls.caCertPath}`,
      `  check it:       curl --cacert ${tls.caCertPath} ${url}/healthz`,
      `  error catalog:  ${url}/arca/errors`,
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
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

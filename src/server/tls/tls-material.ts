import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { ensurePrivateDir, writeFileAtomic } from '../../platform/files.ts';
import { createCertificateAuthority, createServerCertificate, daysUntilExpiry, type PemPair } from './certificates.ts';

export interface TlsMaterial {
  readonly caCertPath: string;
  readonly caCertPem: string;
  readonly server: PemPair;
  /** What happened on this start, for the start-up banner and logs. */
  readonly created: 'none' | 'server' | 'all';
}

const RENEW_WHEN_DAYS_LEFT = 30;

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Loads the CA and server certificate from `<dataDir>/tls`, creating them on first start and
 * renewing the server certificate (never the CA, which agents pin) when it is about to expire.
 */
export async function ensureTlsMaterial(dataDir: string, clock: Clock, extraNames: readonly string[] = []): Promise<TlsMaterial> {
  const dir = join(dataDir, 'tls');
  await ensurePrivateDir(dir);
  const paths = {
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server.key'),
  };
  const now = clock.now();
  let created: TlsMaterial['created'] = 'none';

  let caCertPem = await readIfPresent(paths.caCert);
  let caKeyPem = await readIfPresent(paths.caKey);
  if (!caCertPem || !caKeyPem) {
    const ca = await createCertificateAuthority(now);
    await writeFileAtomic(paths.caKey, ca.keyPem, 0o600);
    await writeFileAtomic(paths.caCert, ca.certPem, 0o644);
    caCertPem = ca.certPem;
    caKeyPem = ca.keyPem;
    created = 'all';
  }

  let certPem = created === 'all' ? undefined : await readIfPresent(paths.cert);
  let keyPem = created === 'all' ? undefined : await readIfPresent(paths.key);
  if (!certPem || !keyPem || daysUntilExpiry(certPem, now) < RENEW_WHEN_DAYS_LEFT) {
    const server = await createServerCertificate({ certPem: caCertPem, keyPem: caKeyPem }, now, extraNames);
    await writeFileAtomic(paths.key, server.keyPem, 0o600);
    await writeFileAtomic(paths.cert, server.certPem, 0o644);
    certPem = server.certPem;
    keyPem = server.keyPem;
    if (created === 'none') created = 'server';
  }
  return { caCertPath: paths.caCert, caCertPem, server: { certPem, keyPem }, created };
}

import { X509Certificate } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../platform/files.ts';
import { systemClock } from '../platform/system-clock.ts';
import { ARCA_VERSION } from '../platform/version.ts';
import { buildApp } from './app.ts';
import { backupServiceObjectId, loadInstallation } from './arm/index.ts';
import { ADMIN_TOKEN_FILE, bootstrapAdminToken } from './auth/index.ts';
import { SqliteMetadataStore } from './persistence/index.ts';
import { JobEngine } from './jobs/index.ts';
import { registerProtectionJobs, repositoryVaultTier, Scheduler, storeInstantTier } from './scheduler/index.ts';
import { openVaultRepository } from './vault-repository.ts';
import { ensureTlsMaterial } from './tls/tls-material.ts';
import type { Clock } from '../core/clock.ts';
import { loadPoint } from '../storage/points/point-store.ts';
import { AgentTaskNotifier } from './agents/index.ts';
import { AGENT_PACKAGES_DIR, AgentPackageStore, DEFAULT_MINIMUM_AGENT_VERSION } from './agent-packages/index.ts';
import { buildAgentPackage } from '../platform/agent-package.ts';
import { backupHandler, DEFAULT_BACKUP_WINDOWS } from './backup-flow/index.ts';
import { collectionDeletionHandler, DELETE_COLLECTION_KIND } from './points/index.ts';
import { restoreJobHandler } from './restore/index.ts';

/** Written at every start: URL, CA file and subscription id, for scripts and the CLI. */
export const SERVER_INFO_FILE = 'server.json';

export interface ServerOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly retryAfter: number;
  /** Seconds between the scheduler's planning ticks. */
  readonly schedulerInterval: number;
  /** Seconds without a report after which an agent is Unresponsive (default 600). */
  readonly agentUnresponsiveAfter?: number;
  /** Seconds a snapshot task may wait for its agent to pick it up (default 600). */
  readonly snapshotPickupTimeout?: number;
  /** Seconds a picked-up snapshot task may go without a status report (default 1800). */
  readonly snapshotStatusTimeout?: number;
  /** The oldest agent version the vault supports (default DEFAULT_MINIMUM_AGENT_VERSION). */
  readonly agentMinVersion?: string;
}

/**
 * What only tests inject (test/support/clock-server.ts): a clock they can move, and a faster look
 * at the job queue. `arca server` never sets them.
 */
export interface ServerTestHooks {
  readonly clock?: Clock;
  readonly jobPollMs?: number;
}

/** Composition root of `arca server`: builds the concrete parts, listens, and shuts down cleanly. */
export async function runServer(options: ServerOptions, testing: ServerTestHooks = {}): Promise<void> {
  const clock = testing.clock ?? systemClock;
  const dataDir = resolve(options.dataDir);
  // Files the server creates (SQLite and its -wal/-shm, certificates' temporaries) are its own only.
  process.umask(0o077);
  await ensurePrivateDir(dataDir);
  const tls = await ensureTlsMaterial(dataDir, clock, options.host === '0.0.0.0' ? [] : [options.host]);
  const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
  let admin;
  let installation;
  const bootstrapSecret = process.env.ARCA_BOOTSTRAP_TOKEN || undefined;
  let vaultRepository;
  try {
    installation = await loadInstallation(store, clock.now());
    admin = await bootstrapAdminToken(store, { now: clock.now(), dataDir, ...(bootstrapSecret ? { secret: bootstrapSecret } : {}) });
    vaultRepository = await openVaultRepository(dataDir, clock, process.env.ARCA_REPOSITORY_PASSPHRASE);
  } catch (error) {
    await store.close();
    throw error;
  }
  // One engine per process, on the process's one store connection (ADR 4); handlers are registered before start.
  const jobs = new JobEngine();
  registerProtectionJobs(jobs, store);
  const agents = {
    notifier: new AgentTaskNotifier(),
    unresponsiveMs: (options.agentUnresponsiveAfter ?? 600) * 1000,
    minimumVersion: options.agentMinVersion ?? DEFAULT_MINIMUM_AGENT_VERSION,
    packages: new AgentPackageStore({ dir: join(dataDir, AGENT_PACKAGES_DIR), ownVersion: ARCA_VERSION, buildOwn: () => buildAgentPackage() }),
  };
  const backupWindows = {
    ...DEFAULT_BACKUP_WINDOWS,
    agentUnresponsiveMs: agents.unresponsiveMs,
    taskPickupMs: (options.snapshotPickupTimeout ?? 600) * 1000,
    taskSilenceMs: (options.snapshotStatusTimeout ?? 1800) * 1000,
  };
  const repo = vaultRepository.repo;
  jobs.register(DELETE_COLLECTION_KIND, collectionDeletionHandler({ store }));
  jobs.register('Backup', backupHandler({ store, notifier: agents.notifier, windows: backupWindows, backupServiceObjectId: backupServiceObjectId(installation), minimumAgentVersion: agents.minimumVersion, loadPoint: (id, signal) => loadPoint(repo, id, signal) }));
  const app = buildApp({
    clock: clock,
    store,
    jobs,
    agents,
    uploadChannel: { store: repo.store, repository: repo },
    version: ARCA_VERSION,
    installation,
    retryAfterSeconds: options.retryAfter,
    // The CA goes with the server's certificate, so that an agent can fetch it and pin it by fingerprint.
    https: { key: tls.server.keyPem, cert: `${tls.server.certPem.trimEnd()}\n${tls.caCertPem}` },
    caFingerprint: new X509Certificate(tls.caCertPem).fingerprint256,
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
  });
  const address = await app.listen({ host: options.host, port: options.port }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  jobs.register('Restore', restoreJobHandler({
    store,
    dataDir,
    repository: vaultRepository,
    log: app.log,
    agents: { notifier: agents.notifier, pollMs: backupWindows.pollMs, pickupMs: backupWindows.taskPickupMs, silenceMs: backupWindows.taskSilenceMs },
  }));
  jobs.start({ store, clock, log: app.log, ...(testing.jobPollMs ? { pollMs: testing.jobPollMs } : {}) });
  const scheduler = new Scheduler({
    store,
    clock: clock,
    log: app.log,
    instant: storeInstantTier(store),
    vault: repositoryVaultTier(vaultRepository.repo),
    intervalMs: options.schedulerInterval * 1000,
  });
  scheduler.start();
  const url = address.replace(/^https:\/\/(?:0\.0\.0\.0|\[::\])/, 'https://127.0.0.1');
  // What clients need to find and trust this server, for scripts and the CLI (no secret in it).
  const serverInfo = { url, caFile: tls.caCertPath, subscriptionId: installation.subscriptionId, tenantId: installation.tenantId, backupServiceObjectId: backupServiceObjectId(installation), version: ARCA_VERSION, pid: process.pid };
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
    Promise.allSettled([app.close(), jobs.stop(), scheduler.stop()]).finally(() => store.close()).then(
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

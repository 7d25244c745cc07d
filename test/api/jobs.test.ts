import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RecoveryServicesBackupClient, type AzureIaaSVMJob } from '@azure/arm-recoveryservicesbackup';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/core/clock.ts';
import { ArcaError } from '../../src/core/errors/index.ts';
import { systemClock } from '../../src/platform/system-clock.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadInstallation } from '../../src/server/arm/index.ts';
import { createToken } from '../../src/server/auth/index.ts';
import { createJob, JobEngine, type JobContext } from '../../src/server/jobs/index.ts';
import { SqliteMetadataStore, type MetadataStore } from '../../src/server/persistence/index.ts';
import { ensureTlsMaterial } from '../../src/server/tls/tls-material.ts';
import { ArmTestClient } from '../support/arm-client.ts';

const V = '2023-06-01';
const JOBS_PATH = '/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-1/backupJobs';
type ErrorBody = { error: { code: string; message: string } };
type JobBody = {
  id: string;
  name: string;
  properties: {
    status: string;
    operation: string;
    entityFriendlyName: string;
    duration: string;
    actionsInfo: string[];
    errorDetails: { errorCode: number; code: string; errorTitle: string; errorString: string; recommendations: string[] }[];
    extendedInfo: { tasksList: { taskId: string; status: string }[] };
  };
};
type ListBody = { value: JobBody[]; nextLink?: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** A UTC time as Azure's job filters write it: `2026-11-22 01:05:00 PM`. */
function azureTime(at: Date): string {
  const h = at.getUTCHours();
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(h % 12 === 0 ? 12 : h % 12)}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The jobs API over real HTTPS on loopback: an in-process app (buildApp) on a temp SQLite store, so
 * that the test can create jobs with `createJob` and run them with a JobEngine on the same store
 * connection (ADR 4: one connection per process).
 */
describe('jobs API over HTTPS: list with $filter and paging, get, cancel and its operation resources', { timeout: 60_000 }, () => {
  let dataDir: string;
  let store: MetadataStore;
  let app: FastifyInstance;
  let engine: JobEngine;
  let arm: ArmTestClient;
  let reader: ArmTestClient;
  let vaultId = '';
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const start = clock.now();
  // The restore runs through the whole suite and ends in `after`.
  const restoreDone = gate();
  let restoreRun: Promise<unknown> = Promise.resolve();
  const handlers = new Map<string, (context: JobContext) => Promise<void>>();

  async function newJob(vm: string, operation: 'Backup' | 'Restore' = 'Backup') {
    const itemId = `${vaultId}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-app;${vm}/protectedItems/VM;iaasvmcontainerv2;rg-app;${vm}`;
    const vmId = `/subscriptions/${arm.info.subscriptionId}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${vm}`;
    const record = await createJob(store, { vaultId, itemId, vmId, operation, friendlyName: vm, isUserTriggered: true, now: clock.now(), payload: { vm } });
    return record.data;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-jobs-'));
    const tls = await ensureTlsMaterial(dataDir, systemClock, ['127.0.0.1']);
    store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    const installation = await loadInstallation(store, clock.now());
    const owner = await createToken(store, { name: 'owner', role: 'Owner', now: clock.now() });
    const readOnly = await createToken(store, { name: 'reader', role: 'Reader', now: clock.now() });
    app = buildApp({ clock, store, version: 'test', installation, https: { key: tls.server.keyPem, cert: tls.server.certPem }, retryAfterSeconds: 1 });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    arm = new ArmTestClient({ url, caFile: tls.caCertPath, subscriptionId: installation.subscriptionId, tenantId: installation.tenantId }, tls.caCertPem, owner.secret);
    reader = arm.as(readOnly.secret);
    vaultId = `/subscriptions/${installation.subscriptionId}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-1`;
    engine = new JobEngine();
    engine.start({ store, clock, poll: false, leaseMs: 3_600_000 });
    for (const kind of ['Backup', 'Restore']) engine.register(kind, (context) => (handlers.get(context.jobName) ?? (async () => {}))(context));
  });

  after(async () => {
    restoreDone.open();
    await restoreRun;
    await engine?.stop();
    await app?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });


  it('lists a vault\'s jobs newest first, filters them as Azure clients ask, and pages with nextLink', async () => {
    const done = await newJob('web-1');
    handlers.set(done.name, async (context) => {
      clock.advance(60_000);
      await context.nextTask();
      clock.advance(30_500);
      await context.nextTask();
    });
    await engine.runNext();
    clock.advance(3_600_000);
    const failed = await newJob('web-2');
    handlers.set(failed.name, async () => {
      throw new ArcaError('UserErrorFsFreezeFailed', { vmName: 'web-2', mountPoint: '/srv' });
    });
    await engine.runNext();
    clock.advance(3_600_000);
    const restore = await newJob('web-3', 'Restore');
    const restoring = gate();
    handlers.set(restore.name, async (context) => {
      await context.progress(10);
      restoring.open();
      await restoreDone.promise;
    });
    restoreRun = engine.runNext();
    await restoring.promise;

    const all = await arm.request('GET', JOBS_PATH, { apiVersion: V });
    assert.equal(all.status, 200, all.body);
    assert.deepEqual(all.json<ListBody>().value.map((job) => job.name), [restore.name, failed.name, done.name]);
    const completed = all.json<ListBody>().value[2];
    assert.equal(completed?.properties.status, 'Completed');
    assert.equal(completed?.properties.duration, 'PT1M30.5S');

    const byStatus = await arm.request('GET', `${JOBS_PATH}?$filter=${encodeURIComponent("status eq 'Failed'")}`, { apiVersion: V });
    assert.deepEqual(byStatus.json<ListBody>().value.map((job) => job.name), [failed.name]);
    const hourOne = new Date(start.getTime() + 30 * 60_000);
    const window = `operation eq 'Backup' and startTime eq '${azureTime(hourOne)}' and endTime eq '${azureTime(clock.now())}'`;
    const inWindow = await arm.request('GET', `${JOBS_PATH}?$filter=${encodeURIComponent(window)}`, { apiVersion: V });
    assert.deepEqual(inWindow.json<ListBody>().value.map((job) => job.name), [failed.name], window);
    const other = await arm.request('GET', `${JOBS_PATH}?$filter=${encodeURIComponent("backupManagementType eq 'MAB'")}`, { apiVersion: V });
    assert.deepEqual(other.json<ListBody>().value, []);
    const bad = await arm.request('GET', `${JOBS_PATH}?$filter=${encodeURIComponent("vmName eq 'x'")}`, { apiVersion: V });
    assert.equal(bad.status, 400);
    assert.equal(bad.json<ErrorBody>().error.code, 'UserErrorInvalidJobFilter');

    const names: string[] = [];
    let next: string | undefined = arm.url(`${JOBS_PATH}?$top=2`, V);
    while (next) {
      const page = await reader.request('GET', next);
      assert.equal(page.status, 200, page.body);
      names.push(...page.json<ListBody>().value.map((job) => job.name));
      next = page.json<ListBody>().nextLink;
    }
    assert.deepEqual(names, [restore.name, failed.name, done.name]);
    const elsewhere = await arm.request('GET', '/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-2/backupJobs', { apiVersion: V });
    assert.deepEqual(elsewhere.json<ListBody>().value, [], 'another vault\'s list is its own');
  });

  it('gets one job with error details in the language asked for, and 404 for a job that does not exist', async () => {
    const list = (await arm.request('GET', `${JOBS_PATH}?$filter=${encodeURIComponent("status eq 'Failed'")}`, { apiVersion: V })).json<ListBody>();
    const failed = list.value[0];
    assert.ok(failed);
    reader.language = 'es';
    const shown = await reader.request('GET', `${JOBS_PATH}/${failed.name.toUpperCase()}`, { apiVersion: V });
    assert.equal(shown.status, 200, shown.body);
    const [detail] = shown.json<JobBody>().properties.errorDetails;
    assert.equal(detail?.code, 'UserErrorFsFreezeFailed');
    assert.equal(typeof detail?.errorCode, 'number');
    assert.match(detail?.errorString ?? '', /\/srv/);
    reader.language = 'en';
    const english = (await reader.request('GET', `${JOBS_PATH}/${failed.name}`, { apiVersion: V })).json<JobBody>().properties.errorDetails[0];
    assert.equal(english?.errorCode, detail?.errorCode);
    assert.notEqual(english?.errorTitle, detail?.errorTitle, 'the title is rendered at read time, in Spanish for es');
    const missing = await arm.request('GET', `${JOBS_PATH}/00000000-0000-0000-0000-000000000000`, { apiVersion: V });
    assert.equal(missing.status, 404);
    assert.equal(missing.json<ErrorBody>().error.code, 'ResourceNotFound');
  });

  it('cancels a backup during its snapshot: 202 with Location, Cancelling, then Cancelled at the next safe point and 204', async () => {
    const job = await newJob('db-1');
    const snapshotting = gate();
    const resume = gate();
    handlers.set(job.name, async (context) => {
      await context.progress(25);
      snapshotting.open();
      await resume.promise;
      await context.progress(50);
    });
    const running = engine.runNext();
    await snapshotting.promise;
    const path = `${JOBS_PATH}/${job.name}`;
    const offered = (await arm.request('GET', path, { apiVersion: V })).json<JobBody>();
    assert.deepEqual(offered.properties.actionsInfo, ['Cancellable']);

    const refused = await reader.request('POST', `${path}/cancel`, { apiVersion: V });
    assert.equal(refused.status, 403, 'cancelling needs the backup permission');
    const cancel = await arm.request('POST', `${path}/cancel`, { apiVersion: V });
    assert.equal(cancel.status, 202, cancel.body);
    const location = String(cancel.headers.location);
    assert.match(location, new RegExp(`/backupJobs/${job.name}/operationResults/[0-9a-f-]{36}\\?api-version=${V}$`));
    const status = String(cancel.headers['azure-asyncoperation']);
    assert.match(status, /\/vaults\/vault-1\/backupJobs\/operationResults\/[0-9a-f-]{36}\?/);
    assert.equal((await arm.request('GET', location)).status, 202);
    const cancelling = (await arm.request('GET', path, { apiVersion: V })).json<JobBody>();
    assert.equal(cancelling.properties.status, 'Cancelling');
    assert.deepEqual(cancelling.properties.actionsInfo, []);
    const again = await arm.request('POST', `${path}/cancel`, { apiVersion: V });
    assert.equal(again.status, 409);
    assert.equal(again.json<ErrorBody>().error.code, 'UserErrorJobNotInProgress');

    resume.open();
    assert.equal((await running)?.result, 'finished');
    const ended = (await arm.request('GET', path, { apiVersion: V })).json<JobBody>();
    assert.equal(ended.properties.status, 'Cancelled');
    assert.deepEqual(ended.properties.extendedInfo.tasksList.map((task) => task.status), ['Cancelled', 'Cancelled']);
    assert.equal((await arm.request('GET', location)).status, 204);
    const finalStatus = await arm.request('GET', status);
    assert.equal(finalStatus.status, 200);
    assert.equal(finalStatus.json<{ status: string }>().status, 'Succeeded');
  });

  it('is driven by the published Azure SDK: list with a filter, get, and a refused cancel as a RestError', async () => {
    const credential = { getToken: async () => ({ token: arm.token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new RecoveryServicesBackupClient(credential, arm.info.subscriptionId, { endpoint: arm.info.url, tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } });
    const listed: string[] = [];
    for await (const job of client.backupJobs.list('vault-1', 'rg-backup', { filter: "backupManagementType eq 'AzureIaasVM' and operation eq 'Backup'" })) listed.push(job.name ?? '');
    assert.equal(listed.length, 3);
    const restore = (await arm.request('GET', `${JOBS_PATH}?$filter=${encodeURIComponent("operation eq 'Restore'")}`, { apiVersion: V })).json<ListBody>().value[0];
    assert.ok(restore);
    const got = await client.jobDetails.get('vault-1', 'rg-backup', restore.name);
    const properties = got.properties as AzureIaaSVMJob;
    assert.equal(properties.jobType, 'AzureIaaSVMJob');
    assert.equal(properties.status, 'InProgress');
    assert.equal(properties.entityFriendlyName, 'web-3');
    assert.ok(properties.startTime instanceof Date);
    await assert.rejects(client.jobCancellations.trigger('vault-1', 'rg-backup', restore.name), (error: { statusCode?: number; code?: string }) => {
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'UserErrorJobCancelNotSupported');
      return true;
    });
  });
});

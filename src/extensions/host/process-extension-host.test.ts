import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { entryFor } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION, type ExtensionGoal, type SnapshotTaskGoal, type TaskStatusReport } from '../../protocol/index.ts';
import type { HandlerPackages } from './extension-host.ts';
import { parseHandlerManifest, type HandlerManifest } from './handler-manifest.ts';
import { ProcessExtensionHost } from './process-extension-host.ts';

/**
 * A stand-in extension in a few lines of JavaScript: each command appends its name to a journal,
 * fails when a flag file says so, and `enable` answers each task of its settings with a
 * transitioning report and then success.
 */
const FAKE = `
const fs = require('node:fs'); const path = require('node:path');
const [command, work] = process.argv.slice(1);
const env = process.env; const seq = env.ARCA_EXT_SEQUENCE;
fs.appendFileSync(path.join(work, 'journal'), command + ' ' + seq + '\\n');
if (fs.existsSync(path.join(work, 'fail-' + command))) { console.error(command + ' broke on purpose'); process.exit(3); }
if (command === 'hang') { const { spawn } = require('node:child_process'); const c = spawn('sleep', ['30'], { stdio: 'ignore' }); fs.writeFileSync(path.join(work, 'grandchild'), String(c.pid)); setInterval(() => {}, 1000); }
else if (command !== 'enable') process.exit(0);
else {
const settings = JSON.parse(fs.readFileSync(path.join(env.ARCA_EXT_CONFIG_DIR, seq + '.settings'), 'utf8')).runtimeSettings[0].handlerSettings;
const write = (status, task) => { const file = path.join(env.ARCA_EXT_STATUS_DIR, seq + '.status'); fs.writeFileSync(file + '.tmp', JSON.stringify([{ version: 1, timestampUTC: new Date().toISOString(), status: { name: 'fake', operation: 'Enable', status, code: 0, formattedMessage: { lang: 'en-US', message: status }, task } }])); fs.renameSync(file + '.tmp', file); };
const tasks = settings.publicSettings.tasks;
if (tasks.length === 0) write('success');
else for (const t of tasks) { write('transitioning', { taskId: t.taskId, status: 'transitioning', phase: 'snapshot', progress: 50 }); }
const failTask = fs.existsSync(path.join(work, 'fail-task'));
setTimeout(() => { for (const t of tasks) failTask ? write('error', { taskId: t.taskId, status: 'error', phase: 'snapshot', error: { code: 'UserErrorFsFreezeFailed', params: {} } }) : write('success', { taskId: t.taskId, status: 'success', phase: 'transfer', progress: 100, result: { manifestId: 'm-' + settings.protectedSettings.token } }); }, 300);
}
`;

function fakeManifest(work: string, options: { enable?: string; timeoutSeconds?: number; name?: string } = {}): HandlerManifest {
  const command = (name: string) => ({ argv: [process.execPath, '-e', FAKE, name, work], timeoutSeconds: options.timeoutSeconds ?? 20 });
  return parseHandlerManifest({
    name: options.name ?? SNAPSHOT_EXTENSION,
    version: SNAPSHOT_EXTENSION_VERSION,
    commands: { install: command('install'), enable: command(options.enable ?? 'enable'), disable: command('disable'), uninstall: command('uninstall'), update: command('update') },
  });
}

const packagesOf = (...manifests: HandlerManifest[]): HandlerPackages => ({ manifest: (name, version) => manifests.find((m) => m.name === name && m.version === version) });
const goal = (name = SNAPSHOT_EXTENSION): ExtensionGoal => ({ name, version: SNAPSHOT_EXTENSION_VERSION, state: 'enabled', settings: { tasks: [] } });
const task: SnapshotTaskGoal = { taskId: 'job-1', kind: 'snapshot', state: 'pending', jobName: 'job-1', collectionId: 'AzureBackupRG_vm1_1', pointName: 'p1', consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'osdisk', path: '/nowhere' }] };

/** Alive and not a zombie waiting to be reaped. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

async function journal(work: string): Promise<string[]> {
  return (await readFile(join(work, 'journal'), 'utf8')).trim().split('\n');
}

const hostFor = (lib: string, packages: HandlerPackages) =>
  new ProcessExtensionHost({ libDir: lib, packages, clock: systemClock, machine: { id: 'm-1', name: 'vm1' }, protectedSettings: () => ({ token: 'secret' }), statusPollMs: 20, killGraceMs: 200 });

describe('process extension host', () => {
  let root = '';
  let n = 0;
  const fresh = async () => {
    n += 1;
    const work = join(root, `case-${n}`);
    const lib = join(work, 'lib');
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    return { work, lib };
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'arca-host-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('installs and enables a listed handler once, and does not enable again while its settings stay the same', async () => {
    const { work, lib } = await fresh();
    const host = hostFor(lib, packagesOf(fakeManifest(work)));
    const statuses = await host.reconcile([goal()]);
    assert.deepEqual(statuses.map((s) => [s.name, s.handlerState, s.status?.status]), [[SNAPSHOT_EXTENSION, 'Enabled', 'success']]);
    await host.reconcile([goal()]);
    assert.deepEqual(await journal(work), ['install 0', 'enable 0']);
  });

  it('leaves a handler whose install failed in a reported failed state, and the next task removes and reinstalls it', async () => {
    const { work, lib } = await fresh();
    await writeFile(join(work, 'fail-install'), '');
    const host = hostFor(lib, packagesOf(fakeManifest(work)));
    const [status] = await host.reconcile([goal()]);
    assert.equal(status?.handlerState, 'NotInstalled');
    assert.equal(status?.status?.status, 'error');
    assert.equal(status?.status?.code, entryFor('UserErrorExtensionInstallationFailed').numericCode);
    assert.match(status?.status?.message ?? '', /install it exited with code 3: install broke on purpose/);
    await host.reconcile([goal()]);
    assert.deepEqual(await journal(work), ['install 0'], 'a failed handler is not retried by every goal state');

    await rm(join(work, 'fail-install'));
    const reports: TaskStatusReport[] = [];
    const last = await host.runTask(task, (r) => void reports.push(r));
    assert.equal(last.status, 'success');
    assert.equal(last.result?.manifestId, 'm-secret', 'protected settings reach the extension');
    assert.deepEqual(reports.map((r) => r.status), ['transitioning', 'success']);
    assert.deepEqual(await journal(work), ['install 0', 'install 0', 'enable 0']);
    const [settled] = await host.handlerStatuses();
    assert.equal(settled?.handlerState, 'Enabled');
  });

  it('removes and reinstalls a healthy handler when the vault asks, and shows a failed task as a warning of a working handler', async () => {
    const { work, lib } = await fresh();
    const host = hostFor(lib, packagesOf(fakeManifest(work)));
    await host.reconcile([goal()]);
    await writeFile(join(work, 'fail-task'), '');
    const last = await host.runTask(task, () => undefined, { reinstall: true });
    assert.equal(last.error?.code, 'UserErrorFsFreezeFailed');
    assert.deepEqual(await journal(work), ['install 0', 'enable 0', 'disable 0', 'uninstall 0', 'install 0', 'enable 0']);
    const [status] = await host.handlerStatuses();
    assert.deepEqual([status?.handlerState, status?.status?.status], ['Enabled', 'warning'], 'the task failed, not the handler: the machine stays provisioned');
  });

  it('stops a command at its timeout with its whole process group, and reports the task failed with a catalog code', async () => {
    const { work, lib } = await fresh();
    const host = hostFor(lib, packagesOf(fakeManifest(work, { enable: 'hang', timeoutSeconds: 1 })));
    const last = await host.runTask(task, () => undefined);
    assert.equal(last.status, 'error');
    assert.equal(last.error?.code, 'ExtensionOperationFailedForManagedDisks');
    const grandchild = Number(await readFile(join(work, 'grandchild'), 'utf8'));
    assert.equal(await running(grandchild), false, 'the sleep the command started is gone too');
    const [status] = await host.handlerStatuses();
    assert.equal(status?.status?.status, 'error');
    assert.match(status?.status?.message ?? '', /timed out/);
  });

  it('removes a handler the goal state no longer lists, running its disable and uninstall', async () => {
    const { work, lib } = await fresh();
    const other = fakeManifest(work, { name: 'Arca.Test.Other' });
    const host = hostFor(lib, packagesOf(fakeManifest(work), other));
    await host.reconcile([goal(), goal('Arca.Test.Other')]);
    const statuses = await host.reconcile([goal()]);
    assert.deepEqual(statuses.map((s) => s.name), [SNAPSHOT_EXTENSION]);
    assert.deepEqual((await journal(work)).slice(-2), ['disable 0', 'uninstall 0']);
    await assert.rejects(access(join(lib, `Arca.Test.Other-${SNAPSHOT_EXTENSION_VERSION}`)), { code: 'ENOENT' });
  });
});

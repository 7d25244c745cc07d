import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import type { RunningServer } from '../support/arca-process.ts';
import type { ArmTestClient } from '../support/arm-client.ts';
import { makeDiskImage } from '../support/backup-flow-fixtures.ts';
import { TestAgent } from '../support/test-agent.ts';
import { startCli, signedInCli, type cli } from './cli-support.ts';

interface Job {
  name: string;
  properties: { operation: string; status: string; actionsInfo?: string[]; errorDetails?: { code: string; errorCode: number; recommendations: string[] }[]; extendedInfo: { tasksList: { taskId: string; status: string }[] } };
}

/**
 * Jobs and protection with the real `arca` binary against a real server, the in-process test agent
 * playing the machines' agents: `job watch` on a terminal (a pseudo-terminal) and off one, the exit
 * code of how the job ended, `job cancel`, soft delete and undelete, Spanish errors, `-o json`.
 */
describe('arca jobs and protection: watch, cancel, soft delete, undelete', { timeout: 60_000 }, () => {
  let dataDir: string;
  let workDir: string;
  let configFile: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let arca: ReturnType<typeof cli>;
  const agents: Record<string, TestAgent> = {};
  let completedJob = '';

  /** `backup now` without waiting: the job's name. */
  const startBackup = async (vm: string): Promise<string> => {
    const run = await arca(['backup', 'now', '--vm', vm, '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { jobId: string }).jobId;
  };
  /** Reads the job through the CLI until `until` holds (the vault runs jobs asynchronously). */
  const jobUntil = async (name: string, until: (job: Job) => boolean): Promise<Job> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const shown = await arca(['job', 'show', name, '-o', 'json']);
      assert.equal(shown.code, 0, shown.stderr);
      const job = JSON.parse(shown.stdout) as Job;
      if (until(job)) return job;
      assert.ok(Date.now() < deadline, `job ${name} stayed ${job.properties.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  before(async () => {
    ({ dataDir, workDir, server, arm, arca, configFile } = await signedInCli('arca-cli-jobs-', { vault: true }));
    assert.equal((await arca(['policy', 'create', '--name', 'daily-30', '--daily', '02:30', '--retain-daily', '30'])).code, 0);
    for (const vm of ['web-1', 'db-1']) {
      const path = join(workDir, `${vm}-os.img`);
      await makeDiskImage(path, 1 << 20);
      const token = await arca(['agent', 'token', 'create', '--create', '--vm', vm, '--resource-group', 'prod', '-o', 'json']);
      assert.equal(token.code, 0, token.stderr);
      const made = JSON.parse(token.stdout) as { machineId: string; secret: string };
      agents[vm] = await TestAgent.register({ url: server.url, ca: arm.ca, serverDataDir: dataDir, machineId: made.machineId, disks: [{ name: `${vm}-os`, path }], workDir: join(workDir, vm) }, made.secret);
      const enabled = await arca(['protection', 'enable', '--vm', vm, '--policy', 'daily-30']);
      assert.equal(enabled.code, 0, enabled.stderr);
    }
  });

  after(async () => {
    for (const agent of Object.values(agents)) await agent.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('watches a running job on a terminal: a live bar per task that ends at 100 %, then the job, exit 0', async () => {
    const name = await startBackup('web-1');
    await agents['web-1']?.runOnce({ waitForTask: true, stopAfter: 'snapshot-taken' });
    const watch = startCli(configFile, ['job', 'watch', name], { terminal: true });
    // The snapshot is taken and the transfer has not begun: the bars show the job mid-way.
    await watch.waitFor(/Transfer data to vault +\[░+\] +0% InProgress/);
    assert.match(watch.output(), /Take Snapshot +\[█+\] 100% Completed/);
    await agents['web-1']?.runOnce();
    const { code, stdout } = await watch.done;
    assert.equal(code, 0, stdout);
    // The last frame: the whole line, its status not cut off at the terminal's 80 columns.
    assert.match(stdout, /Transfer data to vault +\[█{36}\] 100% Completed/);
    assert.match(stdout, /status: +Completed/);
    assert.match(stdout, /Transfer data to vault +Completed +100%/);
    completedJob = name;
  });

  it('watches off a terminal with a plain line per change, no bars', async () => {
    const name = await startBackup('db-1');
    await agents['db-1']?.runOnce({ waitForTask: true, stopAfter: 'snapshot-taken' });
    const watch = startCli(configFile, ['job', 'watch', name]);
    await watch.waitFor(/ {2}Transfer data to vault: InProgress/);
    await agents['db-1']?.runOnce();
    const { code, stdout, stderr } = await watch.done;
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^Backup ${name}: InProgress\n {2}Take Snapshot: Completed 100%\n {2}Transfer data to vault: InProgress( \\d+%)?\n`));
    assert.match(stdout, new RegExp(`Backup ${name}: Completed\n(.*\n)* {2}Transfer data to vault: Completed 100%\n`));
    assert.doesNotMatch(stdout + stderr, /[█░]/, 'no bars in a log');
    assert.ok(!(stdout + stderr).includes(String.fromCharCode(27)), 'no terminal escapes in a log');
  });

  it('watches a job that fails: the exit code of its error (4 for a conflict), its code, message and numbered steps, in Spanish too', async () => {
    const name = await startBackup('web-1');
    await agents['web-1']?.runOnce({ waitForTask: true, failWith: { code: 'UserErrorFsFreezeFailed', params: { vmName: 'web-1', mountPoint: '/srv/data' } } });
    const watch = startCli(configFile, ['job', 'watch', name], { terminal: true });
    const onTerminal = await watch.done;
    assert.equal(onTerminal.code, EXIT_CODES.conflict, onTerminal.stdout);
    assert.match(onTerminal.stdout, /Take Snapshot +\[░+\] +0% Failed/);
    assert.match(onTerminal.stdout, /error UserErrorFsFreezeFailed \(\d+\): .+\r?\n {2}.*\/srv\/data.*\r?\n {2}What to do:\r?\n {4}1\. \S/);

    const plain = await arca(['job', 'watch', name]);
    assert.equal(plain.code, EXIT_CODES.conflict);
    assert.match(plain.stdout, new RegExp(`Backup ${name}: Failed\n {2}Take Snapshot: Failed`));
    const spanish = await arca(['job', 'watch', name, '--lang', 'es']);
    assert.equal(spanish.code, EXIT_CODES.conflict);
    assert.match(spanish.stdout, /error UserErrorFsFreezeFailed \(\d+\): .+\n {2}.*\/srv\/data.*\n {2}Qué hacer:\n {4}1\. \S/);
    assert.doesNotMatch(spanish.stdout, /What to do/);
    const json = await arca(['job', 'watch', name, '-o', 'json']);
    assert.equal(json.code, EXIT_CODES.conflict);
    const job = JSON.parse(json.stdout) as Job;
    assert.equal(job.properties.errorDetails?.[0]?.code, 'UserErrorFsFreezeFailed');
    assert.ok((job.properties.errorDetails?.[0]?.recommendations.length ?? 0) > 0);
  });

  it('cancels a backup while it takes the snapshot (then watch exits 8), and refuses a second cancel with its code', async () => {
    const name = await startBackup('db-1');
    await agents['db-1']?.runOnce({ waitForTask: true, stopAfter: 'snapshot-started' });
    await jobUntil(name, (job) => (job.properties.actionsInfo ?? []).includes('Cancellable'));
    const cancel = await arca(['job', 'cancel', name]);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.equal(cancel.stdout, `job ${name}: Cancelled\n`);
    const watched = await arca(['job', 'watch', name]);
    assert.equal(watched.code, EXIT_CODES.jobCancelled, watched.stderr);
    assert.match(watched.stdout, /status: +Cancelled/);
    const again = await arca(['job', 'cancel', name]);
    assert.equal(again.code, EXIT_CODES.conflict, again.stderr);
    assert.match(again.stderr, /^error UserErrorJobNotInProgress \(\d+\): .+\n {2}.+\n {2}What to do:\n {4}1\. /);
    const missing = await arca(['job', 'cancel', '00000000-0000-0000-0000-000000000000']);
    assert.equal(missing.code, EXIT_CODES.notFound, missing.stderr);
    // The agent drops the called-off snapshot at its next goal state.
    await agents['db-1']?.runOnce();
  });

  it('stops protection deleting the data (soft delete), refuses backups meanwhile, undeletes, and resumes', async () => {
    const stop = await arca(['protection', 'stop', '--vm', 'web-1', '--delete-data']);
    assert.equal(stop.code, 0, stop.stderr);
    const purge = /^web-1: protection stopped, data deleted \(soft delete\); protection state ProtectionStopped, in soft delete until (\S+)\n$/.exec(stop.stdout)?.[1] ?? '';
    const shown = await arca(['protection', 'show', '--vm', 'web-1']);
    assert.match(shown.stdout, /isScheduledForDeferredDelete: +true/);
    assert.match(shown.stdout, /deferredDeleteTimeRemaining: +13\.23:59:\d\d\n/);
    assert.match((await arca(['protection', 'list'])).stdout, /^web-1 +prod +ProtectionStopped \(soft deleted\) /m);
    const days = (Date.parse(purge) - Date.now()) / 86_400_000;
    assert.ok(days > 13.9 && days <= 14, `kept 14 days in soft delete, not ${days}`);

    const refused = await arca(['backup', 'now', '--vm', 'web-1', '--lang', 'es']);
    assert.equal(refused.code, EXIT_CODES.conflict, refused.stderr);
    assert.match(refused.stderr, /^error UserErrorItemSoftDeleted \(\d+\): .+\n {2}.+\n {2}Qué hacer:\n {4}1\. /);
    assert.match(refused.stderr, /Más: arca errors show UserErrorItemSoftDeleted --lang es\n$/);
    const points = await arca(['point', 'list', '--vm', 'web-1', '-o', 'json']);
    assert.equal((JSON.parse(points.stdout) as unknown[]).length, 1, 'soft delete keeps the recovery point');
    const resumeRefused = await arca(['protection', 'resume', '--vm', 'web-1', '--policy', 'daily-30']);
    assert.equal(resumeRefused.code, EXIT_CODES.conflict, resumeRefused.stderr);
    assert.match(resumeRefused.stderr, /error UserErrorItemSoftDeleted/);

    const undelete = await arca(['protection', 'undelete', '--vm', 'web-1']);
    assert.equal(undelete.code, 0, undelete.stderr);
    assert.equal(undelete.stdout, 'web-1: undeleted; protection state ProtectionStopped\n');
    const again = await arca(['protection', 'undelete', '--vm', 'web-1']);
    assert.equal(again.code, EXIT_CODES.conflict, again.stderr);
    assert.match(again.stderr, /error UserErrorItemNotSoftDeleted/);
    const kept = await arca(['point', 'list', '--vm', 'web-1', '-o', 'json']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal((JSON.parse(kept.stdout) as unknown[]).length, 1, 'the recovery point is still there');

    const resume = await arca(['protection', 'resume', '--vm', 'web-1', '--policy', 'daily-30']);
    assert.equal(resume.code, 0, resume.stderr);
    assert.match(resume.stdout, /^web-1: protection resumed; protection state (Protected|IRPending), policy daily-30\n$/);
    const jobs = JSON.parse((await arca(['job', 'list', '--vm', 'web-1', '-o', 'json'])).stdout) as Job[];
    assert.deepEqual(jobs.filter((j) => j.properties.operation !== 'Backup').map((j) => [j.properties.operation, j.properties.status]).slice(0, 3), [['ConfigureBackup', 'Completed'], ['Undelete', 'Completed'], ['DeleteBackupData', 'Completed']]);
    for (const operation of ['Undelete', 'DeleteBackupData']) {
      const listed = await arca(['job', 'list', '--operation', operation, '-o', 'json']);
      assert.equal(listed.code, 0, `every operation the vault filters on is offered: ${listed.stderr}`);
      assert.deepEqual((JSON.parse(listed.stdout) as Job[]).map((j) => j.properties.operation), [operation]);
    }
  });

  it('gives parseable JSON for every list and show command', async () => {
    const commands: [string[], (value: unknown) => void][] = [
      [['vault', 'list'], (v) => assert.equal((v as { name: string }[])[0]?.name, 'vault1')],
      [['policy', 'list'], (v) => assert.deepEqual((v as { name: string }[]).map((p) => p.name), ['daily-30'])],
      [['policy', 'show', 'daily-30'], (v) => assert.equal((v as { properties: { policyType: string } }).properties.policyType, 'V1')],
      [['protection', 'list'], (v) => assert.equal((v as unknown[]).length, 2)],
      [['protection', 'show', '--vm', 'db-1'], (v) => assert.match((v as { name: string }).name, /;db-1$/)],
      [['job', 'list', '--status', 'Cancelled'], (v) => assert.equal((v as unknown[]).length, 1)],
      [['job', 'show', completedJob], (v) => assert.equal((v as Job).properties.status, 'Completed')],
      [['point', 'list', '--vm', 'db-1'], (v) => assert.equal((v as unknown[]).length, 1)],
      [['lock', 'list', '--resource-group', 'prod'], (v) => assert.deepEqual(v, [])],
      [['context', 'list'], (v) => assert.equal((v as unknown[]).length, 1)],
      [['whoami'], (v) => assert.equal((v as { role: string }).role, 'Owner')],
    ];
    for (const [args, check] of commands) {
      const run = await arca([...args, '-o', 'json']);
      assert.equal(run.code, 0, `arca ${args.join(' ')}: ${run.stderr}`);
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(run.stdout)), `arca ${args.join(' ')} -o json: ${run.stdout}`);
      check(parsed);
    }
  });
});

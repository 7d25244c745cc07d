import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../platform/system-clock.ts';
import type { SnapshotTaskGoal } from '../../protocol/index.ts';
import { parseConfig } from './config.ts';
import { houseKeep, JOURNAL_KEEP_DAYS, removeIdsOfDeletedPoints } from './housekeeping.ts';
import { removeDeletedPoints, snapshotPath } from './restore-points.ts';
import { runRestoreTask, safetyPointPath } from './restore-task.ts';
import { keepChunkIds, writeJournal } from './task-journal.ts';

const COLLECTION = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/restorePointCollections/c1';
const DAY_MS = 24 * 60 * 60 * 1000;
const exists = (path: string) => lstat(path).then(() => true, () => false);

/** Sets a file's (or folder's) times `days` in the past. */
async function age(path: string, days: number): Promise<void> {
  const when = new Date(systemClock.now().getTime() - days * DAY_MS);
  await utimes(path, when, when);
}

/** A settled snapshot task whose snapshot of disk `os` is point `pointName`, with its ids kept. */
async function backedUp(state: string, disk: string, taskId: string, pointName: string) {
  const snap = snapshotPath(disk, COLLECTION, pointName, 'os');
  await mkdir(dirname(snap), { recursive: true });
  await writeFile(snap, 'snapshot');
  const snapshots = [{ disk: 'os', path: snap }];
  const chunkIds = await keepChunkIds(state, taskId, snapshots, new Map([[snap, new Uint8Array(64)]]));
  const snapshot = { consistency: 'FileSystemConsistent' as const, snapshots };
  await writeJournal(state, { taskId, snapshot, chunkIds, final: { taskId, status: 'success', phase: 'transfer', progress: 100, result: snapshot } });
  return { snap, ids: join(state, chunkIds['os'] ?? assert.fail('no ids kept')) };
}

describe('housekeeping: kept chunk ids, old journals and safety points do not stay forever', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'arca-housekeeping-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('removes a task’s kept ids (and their folder) with the instant point its snapshot became, and no others', async () => {
    const state = join(work, 'ids-state');
    const disk = join(work, 'ids-disks', 'os.img');
    const first = await backedUp(state, disk, 'task-1', 'point-1');
    const second = await backedUp(state, disk, 'task-2', 'point-2');
    const deleted = [{ collectionId: COLLECTION, pointName: 'point-1', snapshots: [{ disk: 'os', path: first.snap }] }];
    assert.deepEqual((await removeDeletedPoints(deleted)).removed, [first.snap]);
    const { removed } = await removeIdsOfDeletedPoints(state, deleted);
    assert.deepEqual(removed.map((r) => r.path), [join(state, 'chunk-ids', 'task-1')]);
    assert.equal(await exists(dirname(first.ids)), false, 'the task’s ids folder is gone');
    assert.equal(await exists(second.ids), true, 'the ids of a point still there stay');
  });

  it('removes stray ids (no journal, not named, snapshot gone) and old settled journals, keeping what idempotency and change tracking need', async () => {
    const state = join(work, 'sweep-state');
    const disk = join(work, 'sweep-disks', 'os.img');
    const live = await backedUp(state, disk, 'live', 'p-live');
    const lost = await backedUp(state, disk, 'lost', 'p-lost');
    await rm(lost.snap); // the snapshot went without a deleted-point notice reaching the machine
    const orphan = join(state, 'chunk-ids', 'orphan', 'os.ids');
    await mkdir(dirname(orphan), { recursive: true });
    await writeFile(orphan, new Uint8Array(32));
    const unnamed = join(dirname(live.ids), 'data.ids');
    await writeFile(unnamed, new Uint8Array(32));

    // Settled tasks without snapshots: an old one gone from the goal state, an old one still in it, a young one.
    for (const taskId of ['old-gone', 'old-listed', 'young']) await writeJournal(state, { taskId, final: { taskId, status: 'error', error: { code: 'UserErrorFsFreezeFailed', params: {} } } });
    // An old task that never settled: the vault may still send it again.
    await writeJournal(state, { taskId: 'old-open' });
    for (const taskId of ['old-gone', 'old-listed', 'old-open']) await age(join(state, 'tasks', `${taskId}.json`), JOURNAL_KEEP_DAYS + 1);
    const listed = { taskId: 'old-listed', kind: 'snapshot', state: 'pending', jobName: 'j', collectionId: COLLECTION, pointName: 'p', consistencyWanted: 'FileSystemConsistent', disks: [] } satisfies SnapshotTaskGoal;

    const { removed } = await houseKeep({ stateDir: state, tasks: [listed], diskPaths: [disk], safetyPointRetentionDays: 7, now: systemClock.now() });
    const paths = removed.map((r) => r.path).toSorted();
    assert.deepEqual(paths, [unnamed, lost.ids, join(state, 'chunk-ids', 'orphan'), join(state, 'tasks', 'old-gone.json')].toSorted(), JSON.stringify(removed, null, 1));
    assert.equal(await exists(dirname(lost.ids)), false, 'an emptied ids folder goes too');
    assert.match(removed.find((r) => r.path === lost.ids)?.reason ?? '', /snapshot of disk os is gone/);
    assert.equal(await exists(live.ids), true, 'ids whose snapshot exists stay');
    assert.deepEqual((await readdir(join(state, 'tasks'))).toSorted(), ['live.json', 'lost.json', 'old-listed.json', 'old-open.json', 'young.json']);
    assert.match(removed.find((r) => r.path === join(state, 'chunk-ids', 'orphan'))?.reason ?? '', /journal is gone/);
  });

  /** A machine with one disk and its instant point; `restore(taskId)` runs a real restore task (taking a safety point). */
  async function machine(name: string) {
    const dir = join(work, name);
    const disk = join(dir, 'os.img');
    await mkdir(dir, { recursive: true });
    await writeFile(disk, 'disk now');
    const snap = snapshotPath(disk, COLLECTION, 'point', 'os');
    await mkdir(dirname(snap), { recursive: true });
    await writeFile(snap, 'disk at the point');
    const state = join(dir, 'state');
    const goal = (taskId: string): SnapshotTaskGoal => ({ taskId, kind: 'restore', state: 'pending', jobName: taskId, collectionId: COLLECTION, pointName: 'point', consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'os', path: disk }] });
    const restore = async (taskId: string) => {
      const final = await runRestoreTask(goal(taskId), { machine: { id: 'm', name }, stateDir: state, readMounts: async () => [], report: async () => undefined });
      assert.equal(final.status, 'success', JSON.stringify(final));
      const path = safetyPointPath(disk, COLLECTION, taskId, 'os');
      return { file: path, folder: dirname(path) };
    };
    return { dir, disk, state, goal, restore };
  }

  it('removes safety points past their retention, keeps young ones and those of open restore tasks', async () => {
    const m = await machine('safety');
    const young = await m.restore('young');
    const old = await m.restore('old');
    const listed = await m.restore('listed');
    const unsettled = await m.restore('unsettled');
    for (const point of [old, listed, unsettled]) {
      await age(point.file, 8);
      await age(point.folder, 8);
    }
    // A restore that was interrupted after its safety point: the journal has no final result.
    const journal = join(m.state, 'restore-tasks', 'unsettled.json');
    const { final: _, ...open } = JSON.parse(await readFile(journal, 'utf8')) as Record<string, unknown>;
    await writeFile(journal, JSON.stringify(open));

    const result = await houseKeep({ stateDir: m.state, tasks: [m.goal('listed')], diskPaths: [], safetyPointRetentionDays: 7, now: systemClock.now() });
    assert.deepEqual(result.removed.filter((r) => r.path.includes('before-restore')).map((r) => [r.path, r.reason]), [[old.folder, 'older than 7 days']]);
    assert.equal(await exists(old.folder), false);
    const kept = new Map(result.kept.map((k) => [k.path, k.reason]));
    assert.equal(kept.get(young.folder), 'younger than 7 days');
    assert.equal(kept.get(listed.folder), 'its restore task is still open');
    assert.equal(kept.get(unsettled.folder), 'its restore task is still open');
    for (const point of [young, listed, unsettled]) assert.equal(await exists(point.file), true);
    assert.equal(await exists(m.disk), true);

    // Past its retention and no longer open: the next run removes it.
    const again = await houseKeep({ stateDir: m.state, tasks: [], diskPaths: [m.disk], safetyPointRetentionDays: 7, now: systemClock.now() });
    assert.ok(again.removed.some((r) => r.path === listed.folder), JSON.stringify(again));
    assert.equal(await exists(unsettled.folder), true, 'an unsettled restore keeps its safety point');
  });

  it('refuses a safety point reached through a symbolic link, and any path a journal names that is not a safety point folder', async () => {
    const m = await machine('links');
    const elsewhere = join(m.dir, 'elsewhere', 'before-restore-x');
    await mkdir(elsewhere, { recursive: true });
    await writeFile(join(elsewhere, 'keep.img'), 'not ours');
    const points = join(m.dir, '.arca-restore-points');
    await symlink(dirname(elsewhere), join(points, 'linked'));
    const linkedFolder = join(points, 'linked', 'before-restore-x');
    const odd = join(m.dir, 'precious');
    await mkdir(odd);
    await writeFile(join(odd, 'data'), 'precious');
    for (const path of [join(elsewhere, 'keep.img'), elsewhere, odd]) await age(path, 30);
    await mkdir(join(m.state, 'restore-tasks'), { recursive: true });
    await writeFile(join(m.state, 'restore-tasks', 'forged.json'), JSON.stringify({ taskId: 'forged', safetyPoints: [odd, linkedFolder, `${points}/../precious`], final: { taskId: 'forged', status: 'success' } }));

    const result = await houseKeep({ stateDir: m.state, tasks: [], diskPaths: [m.disk], safetyPointRetentionDays: 1, now: systemClock.now() });
    assert.deepEqual(result.removed.filter((r) => !r.path.startsWith(m.state)), []);
    const refused = result.kept.filter((k) => k.reason.startsWith('refused')).map((k) => k.path).toSorted();
    assert.deepEqual(refused, [odd, linkedFolder, `${points}/../precious`].toSorted());
    assert.equal(await exists(join(elsewhere, 'keep.img')), true);
    assert.equal(await exists(join(odd, 'data')), true);
  });

  it('reads safetyPointRetentionDays from the machine’s config, 7 days unless set, within 1 to 365', () => {
    assert.equal(parseConfig({}).safetyPointRetentionDays, 7);
    assert.equal(parseConfig({ safetyPointRetentionDays: 30 }).safetyPointRetentionDays, 30);
    for (const bad of [0, 366, '7', -1]) assert.throws(() => parseConfig({ safetyPointRetentionDays: bad }), /safetyPointRetentionDays/);
  });
});

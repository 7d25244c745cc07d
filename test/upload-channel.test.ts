import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../src/core/errors/index.ts';
import { openVaultChannel } from '../src/extensions/vmsnapshot/vault-repository-over-https.ts';
import { systemClock } from '../src/platform/system-clock.ts';
import { AGENT_API_VERSION } from '../src/protocol/index.ts';
import { UPLOAD_PATHS } from '../src/protocol/upload-channel.ts';
import { backupImages } from '../src/storage/backup/image-backup.ts';
import type { BlobStore } from '../src/storage/blob/blob-store.ts';
import { LocalFsBlobStore } from '../src/storage/blob/local-fs-blob-store.ts';
import { loadPoint } from '../src/storage/points/point-store.ts';
import { Repository } from '../src/storage/repository/repository.ts';
import { restoreImage } from '../src/storage/restore/image-restore.ts';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../src/storage/testing/fixtures.ts';
import { ChunkWorkerPool } from '../src/storage/workers/worker-pool.ts';
import { httpsRequest } from './support/https-client.ts';
import { UploadChannelServer, type ChannelMachine } from './support/upload-channel-server.ts';

const NODE = process.execPath;
/** The repository point the restoring machine's task names (it need not exist: nothing reads it). */
const RESTORED_POINT = '20261122-000000-0000beef';
const hex64 = () => randomBytes(32).toString('hex');
const packName = () => {
  const id = hex64();
  return `data/${id.slice(0, 2)}/${id}`;
};

async function rejectsWithCode(work: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(isArcaError(error), `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code, message ?? error.message);
    return true;
  });
}

describe('the upload channel: a machine writes its backup into the vault over HTTPS, with least privilege', () => {
  let dir: string;
  let vault: Repository;
  let server: UploadChannelServer;
  let a: ChannelMachine;
  let b: ChannelMachine;
  let closed: ChannelMachine;
  let restoring: ChannelMachine;
  let asA: BlobStore & { close(): void };
  /** A restore read of `pointId`'s layout with `machine`'s Agent token. */
  const read = (machine: ChannelMachine, pointId: string) =>
    httpsRequest('GET', `${server.url}/arca/agent/machines/${machine.machineId}/repository/restore-points/${pointId}?api-version=${AGENT_API_VERSION}`, server.ca, { authorization: `Bearer ${machine.token}` });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-upload-'));
    vault = await Repository.init(new LocalFsBlobStore(join(dir, 'repository')), { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    server = await UploadChannelServer.start({ store: vault.store, repository: vault, machines: [{ open: true }, { open: true }, { open: false }, { open: false, restoring: RESTORED_POINT }] });
    [a, b, closed, restoring] = server.machines as [ChannelMachine, ChannelMachine, ChannelMachine, ChannelMachine];
    asA = server.client(a);
  });
  after(async () => {
    asA.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries a real backup that the vault reads back byte for byte, with keys but never the passphrase', async () => {
    const image = join(dir, 'disk.img');
    const data = randomBytes(3 * (1 << 20) + 12345);
    await writeFile(image, data);
    const keysAnswer = await httpsRequest('GET', `${server.url}${UPLOAD_PATHS.keys(a.machineId)}?api-version=${AGENT_API_VERSION}`, server.ca, { authorization: `Bearer ${a.token}` });
    assert.equal(keysAnswer.status, 200);
    assert.ok(!keysAnswer.body.includes(TEST_PASSPHRASE));
    assert.deepEqual(Object.keys(keysAnswer.json<{ keys: object }>().keys).toSorted(), ['chunkId', 'chunker', 'data']);
    const channel = await openVaultChannel({ url: server.url, ca: server.ca, token: a.token, machineId: a.machineId });
    const pool = new ChunkWorkerPool(channel.repo.keys, channel.repo.config.zstdLevel, 2);
    try {
      const { manifest } = await backupImages(channel.repo, { paths: [image], pool, metadata: { arcaMachineId: a.machineId } });
      assert.equal((await loadPoint(vault, manifest.id)).metadata.arcaMachineId, a.machineId);
      const to = join(dir, 'restored.img');
      await restoreImage(vault, { pointId: manifest.id, disk: 0, to, pool });
      assert.ok((await readFile(to)).equals(data), 'the vault restores what the machine uploaded');
      assert.deepEqual(await collectKeys(vault.store, 'inflight/'), [], 'the backup removed its own in-flight marker');
    } finally {
      await pool.close();
      channel.close();
    }
  });

  it('refuses with UploadChannelKeyForbidden what a backup does not need', async () => {
    const [pack] = await collectKeys(vault.store, 'data/');
    const [keyFile] = await collectKeys(vault.store, 'keys/');
    const [point] = await collectKeys(vault.store, 'points/');
    const vaultIndex = `index/${hex64()}`;
    await vault.store.put(vaultIndex, new Uint8Array([1]));
    assert.ok(pack && keyFile && point);
    const cases: [string, () => Promise<unknown>][] = [
      ['reading a pack', () => asA.get(pack)],
      ['reading a key file', () => asA.get(keyFile)],
      ['listing key files', () => collectKeys(asA, 'keys/')],
      ['listing everything', () => collectKeys(asA, '')],
      ['replacing the config', () => asA.put('config', new Uint8Array([1]))],
      ['writing the config even if absent', () => asA.put('config', new Uint8Array([1]), { ifNotExists: true })],
      ['writing an index file that could replace one', () => asA.put(`index/${hex64()}`, new Uint8Array([1]))],
      ['writing a pack that could replace one', () => asA.put(packName(), new Uint8Array([1]))],
      ['writing a pack under a wrong name', () => asA.put(`data/00/${hex64()}`, new Uint8Array([1]), { ifNotExists: true })],
      ['taking the prune lock', () => asA.put('locks/prune', new Uint8Array([1]), { ifNotExists: true })],
      ['writing a prune mark', () => asA.put('prune/20261122-000000-00000000', new Uint8Array([1]), { ifNotExists: true })],
      ['deleting an index file the vault wrote', () => asA.delete(vaultIndex)],
      ['deleting a recovery point', () => asA.delete(point)],
      ['deleting a pack', () => asA.delete(pack)],
    ];
    for (const [what, call] of cases) await rejectsWithCode(call(), 'UploadChannelKeyForbidden', what);
    assert.ok(await vault.store.stat(pack), 'the pack is still there');
    assert.ok(await vault.store.stat(vaultIndex), 'the index file is still there');
    const raw = await httpsRequest('GET', `${server.url}${UPLOAD_PATHS.repository(a.machineId)}/blobs/${keyFile}?api-version=${AGENT_API_VERSION}`, server.ca, { authorization: `Bearer ${a.token}` });
    assert.equal(raw.status, 403);
    assert.equal(raw.json<{ error: { code: string } }>().error.code, 'UploadChannelKeyForbidden');
    assert.ok(!raw.body.includes('"wrapped"'), 'no key file content in the refusal');
  });

  it("refuses another machine's token on this machine's channel with AuthorizationFailed", async () => {
    const asBOnA = server.client(b, a);
    try {
      await rejectsWithCode(asBOnA.get('config'), 'AuthorizationFailed');
      await rejectsWithCode(asBOnA.put(packName(), new Uint8Array([1]), { ifNotExists: true }), 'AuthorizationFailed');
      const raw = await httpsRequest('GET', `${server.url}${UPLOAD_PATHS.keys(a.machineId)}?api-version=${AGENT_API_VERSION}`, server.ca, { authorization: `Bearer ${b.token}` });
      assert.equal(raw.status, 403);
      assert.equal(raw.json<{ error: { code: string } }>().error.code, 'AuthorizationFailed');
      assert.ok(!raw.body.includes('chunkId'));
    } finally {
      asBOnA.close();
    }
  });

  it('gives a machine whose only open task is a restore the keys and nothing else', async () => {
    const keys = await httpsRequest('GET', `${server.url}${UPLOAD_PATHS.keys(restoring.machineId)}?api-version=${AGENT_API_VERSION}`, server.ca, { authorization: `Bearer ${restoring.token}` });
    assert.equal(keys.status, 200, keys.body);
    const own = server.client(restoring);
    try {
      await rejectsWithCode(own.put(packName(), new Uint8Array([1]), { ifNotExists: true }), 'UploadChannelNoOpenTask', 'a put');
      await rejectsWithCode(collectKeys(own, 'index/'), 'UploadChannelNoOpenTask', 'a list');
      await rejectsWithCode(own.delete(`inflight/${hex64()}`), 'UploadChannelNoOpenTask', 'a delete');
      await rejectsWithCode(own.get('config'), 'UploadChannelNoOpenTask', 'a raw read');
    } finally {
      own.close();
    }
  });

  it('looks a point up for a restore read only while a restore of that very point is open', async () => {
    // No point of these ids exists: the answer must not tell (no RecoveryPointNotFound), only that no restore of it runs.
    for (const [machine, pointId] of [[restoring, '20261122-000000-00000001'], [a, RESTORED_POINT], [closed, '20261122-000000-00000002']] as const) {
      const answer = await read(machine, pointId);
      assert.equal(answer.status, 403, answer.body);
      assert.equal(answer.json<{ error: { code: string } }>().error.code, 'RestoreReadNoOpenTask');
    }
    const ofTask = await read(restoring, RESTORED_POINT);
    assert.equal(ofTask.json<{ error: { code: string } }>().error.code, 'RecoveryPointNotFound', 'with the task open, the point is looked up');
  });

  it('gives no keys and takes no writes while the machine has no open snapshot task', async () => {
    const own = server.client(closed);
    try {
      await rejectsWithCode(openVaultChannel({ url: server.url, ca: server.ca, token: closed.token, machineId: closed.machineId }), 'UploadChannelNoOpenTask');
      await rejectsWithCode(own.put(packName(), new Uint8Array([1]), { ifNotExists: true }), 'UploadChannelNoOpenTask');
    } finally {
      own.close();
    }
  });

  it("lets a machine refresh and delete its own in-flight marker, never another machine's", async () => {
    const marker = 'inflight/20261122-101010-0a0b0c0d';
    await asA.put(marker, new Uint8Array([1]));
    await asA.put(marker, new Uint8Array([2]));
    assert.deepEqual([...(await asA.get(marker))], [2], 'its own marker is refreshed');
    const asB = server.client(b);
    try {
      await rejectsWithCode(asB.put(marker, new Uint8Array([9])), 'RepositoryBlobExists');
      await rejectsWithCode(asB.get(marker), 'UploadChannelKeyForbidden');
      await rejectsWithCode(asB.delete(marker), 'UploadChannelKeyForbidden');
    } finally {
      asB.close();
    }
    await asA.delete(marker);
    assert.equal(await vault.store.stat(marker), undefined);
  });

  it('leaves nothing visible when the uploading process is killed mid-object, and the object can be written anew', async () => {
    const key = packName();
    const child = spawn(NODE, [join(import.meta.dirname, 'support', 'killed-upload.ts'), JSON.stringify({ url: server.url, ca: server.ca, token: a.token, machineId: a.machineId, key })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      assert.equal(line.toString().trim(), 'written');
      assert.equal(await vault.store.stat(key), undefined, 'nothing visible while the body is still coming');
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');
    assert.equal(await vault.store.stat(key), undefined, 'nothing visible after the uploader died');
    assert.deepEqual(await collectKeys(vault.store, key), []);
    const whole = randomBytes(2 << 20);
    await asA.put(key, whole, { ifNotExists: true });
    assert.ok(Buffer.from(await vault.store.get(key)).equals(whole), 'the key is free for the whole object');
  });
});

async function collectKeys(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys.toSorted();
}

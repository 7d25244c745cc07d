import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../src/core/errors/index.ts';
import { uploaderFromSettings } from '../src/extensions/vmsnapshot/vault-uploader.ts';
import { systemClock } from '../src/platform/system-clock.ts';
import { LocalFsBlobStore } from '../src/storage/blob/local-fs-blob-store.ts';
import { loadPoint } from '../src/storage/points/point-store.ts';
import { Repository } from '../src/storage/repository/repository.ts';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../src/storage/testing/fixtures.ts';
import { UploadChannelServer, type ChannelMachine } from './support/upload-channel-server.ts';

/**
 * The uploader the shipped VMSnapshot extension builds from its protected settings: the upload
 * channel with the agent's vault URL, pinned CA and Agent token. A vault that closed the channel
 * (the task called off) ends the transfer as OperationCancelled.
 */
describe('the vault uploader of the VMSnapshot extension', () => {
  let dir: string;
  let vault: Repository;
  let server: UploadChannelServer;
  let open: ChannelMachine;
  let closed: ChannelMachine;
  let image: string;
  const settingsOf = (machine: ChannelMachine) => ({ vault: { url: server.url, machineId: machine.machineId, token: machine.token, ca: server.ca } });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-vault-uploader-'));
    vault = await Repository.init(new LocalFsBlobStore(join(dir, 'repository')), { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    server = await UploadChannelServer.start({ store: vault.store, repository: vault, machines: [{ open: true }, { open: false }] });
    [open, closed] = server.machines as [ChannelMachine, ChannelMachine];
    image = join(dir, 'os.img');
    await writeFile(image, randomBytes(2 << 20));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads the snapshots over HTTPS as a point naming the task and the machine, reporting progress up to 100', async () => {
    const channel = await uploaderFromSettings(settingsOf(open));
    assert.ok(channel, 'vault settings give an uploader');
    const progress: number[] = [];
    try {
      const result = await channel.uploader.upload({ taskId: 'job0', machineId: open.machineId, snapshots: [{ disk: 'os', path: image }], onProgress: (p) => progress.push(p) });
      const point = await loadPoint(vault, result.manifestId);
      assert.deepEqual([point.metadata.arcaTaskId, point.metadata.arcaMachineId], ['job0', open.machineId]);
      assert.equal(result.bytesRead, 2 << 20);
      assert.equal(progress.at(-1), 100);
    } finally {
      await channel.close();
    }
  });

  it('ends as OperationCancelled when the vault has no open task for the machine', async () => {
    const channel = await uploaderFromSettings(settingsOf(closed));
    await assert.rejects(channel?.uploader.upload({ taskId: 'job1', machineId: closed.machineId, snapshots: [{ disk: 'os', path: image }] }) ?? Promise.reject(new Error('no uploader')), (error: unknown) => {
      assert.ok(isArcaError(error) && error.code === 'OperationCancelled', String(error));
      return true;
    });
  });

  it('refuses vault settings without a CA, and gives no uploader when the settings name none', async () => {
    assert.equal(await uploaderFromSettings({}), undefined);
    await assert.rejects(uploaderFromSettings({ vault: { url: server.url, machineId: open.machineId, token: open.token } }), /protectedSettings\.vault\.ca/);
  });
});

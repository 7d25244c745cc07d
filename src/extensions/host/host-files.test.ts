import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../core/clock.ts';
import { isHeartbeatStale, readHeartbeat, writeHeartbeat } from './heartbeat.ts';
import { parseHandlerManifest } from './handler-manifest.ts';
import { moveHandler, readHandlerState, recordHandlerFailure } from './handler-state-store.ts';
import { readSettings, writeNextSettings } from './settings-files.ts';
import { latestStatusSequence, readStatus, writeStatus } from './status-files.ts';

const command = (argv: string[], timeoutSeconds = 10) => ({ argv, timeoutSeconds });
const manifest = {
  name: 'Arca.Test.Handler',
  version: '1.2.0',
  commands: { install: command(['/bin/true']), enable: command(['/bin/true']), disable: command(['/bin/true']), uninstall: command(['/bin/true']), update: command(['/bin/true']) },
};

describe('handler manifest', () => {
  it('accepts a full manifest and defaults continueOnFailure to false', () => {
    const parsed = parseHandlerManifest(manifest);
    assert.equal(parsed.continueOnFailure, false);
    assert.deepEqual(parsed.commands.enable, { argv: ['/bin/true'], timeoutSeconds: 10 });
  });
  const refusals: [string, unknown, RegExp][] = [
    ['a missing command', { ...manifest, commands: { ...manifest.commands, update: undefined } }, /commands\.update/],
    ['a shell string instead of argv', { ...manifest, commands: { ...manifest.commands, enable: { argv: 'rm -rf /', timeoutSeconds: 5 } } }, /argv/],
    ['a zero timeout', { ...manifest, commands: { ...manifest.commands, install: command(['/bin/true'], 0) } }, /timeoutSeconds/],
    ['an unknown command', { ...manifest, commands: { ...manifest.commands, reboot: command(['/bin/true']) } }, /unknown commands: reboot/],
    ['a name with a slash', { ...manifest, name: '../evil' }, /manifest\.name/],
    ['a version that is not numeric', { ...manifest, version: 'latest' }, /manifest\.version/],
  ];
  for (const [what, value, message] of refusals) {
    it(`refuses ${what}`, () => assert.throws(() => parseHandlerManifest(value), (e: Error & { code?: string }) => e.code === 'UserErrorInvalidArgument' && message.test(e.message)));
  }
});

describe('handler files', () => {
  let dir = '';
  const clock = fixedClock(new Date('2026-11-25T10:00:00Z'));
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-host-files-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('numbers settings files from 0, readable by their owner only, and reads them back', async () => {
    const config = join(dir, 'config');
    const first = await writeNextSettings(config, { publicSettings: { a: 1 }, protectedSettings: { secret: 's3' } });
    const second = await writeNextSettings(config, { publicSettings: { a: 2 }, protectedSettings: {} });
    assert.deepEqual([first, second], [0, 1]);
    assert.equal((await stat(join(config, '1.settings'))).mode & 0o777, 0o600);
    assert.deepEqual(await readSettings(config, 0), { publicSettings: { a: 1 }, protectedSettings: { secret: 's3' } });
  });

  it('lets a status go from transitioning to a settled state once, and refuses changing a settled one', async () => {
    const status = join(dir, 'status');
    await writeStatus(status, 3, { operation: 'Enable', status: 'transitioning', code: 0, message: 'working' }, clock);
    await writeStatus(status, 3, { operation: 'Enable', status: 'transitioning', code: 0, message: 'still working' }, clock);
    await writeStatus(status, 3, { operation: 'Enable', status: 'error', code: 770300, message: 'freeze failed' }, clock);
    await assert.rejects(writeStatus(status, 3, { operation: 'Enable', status: 'success', code: 0, message: 'done' }, clock), { code: 'UserErrorInvalidStateTransition' });
    const read = await readStatus(status, 3);
    assert.equal(read?.status, 'error');
    assert.equal(read?.code, 770300);
    assert.equal(await latestStatusSequence(status), 3);
    assert.equal(await readStatus(status, 4), undefined);
  });

  it('refuses a status file that is not one', async () => {
    await writeFile(join(dir, 'status', '5.status'), '{"status":"fine"}');
    await assert.rejects(readStatus(join(dir, 'status'), 5), /not a status file/);
  });

  it('moves the handler state through core\'s table and refuses skipping install', async () => {
    const state = join(dir, 'state.json');
    assert.equal((await readHandlerState(state)).state, 'NotInstalled');
    await assert.rejects(moveHandler(state, 'Enabled'), { code: 'UserErrorInvalidStateTransition' });
    await moveHandler(state, 'Installed');
    await moveHandler(state, 'Enabled');
    const failed = await recordHandlerFailure(state, { command: 'enable', code: 'ExtensionOperationFailedForManagedDisks', message: 'enable exited with code 3' });
    assert.equal(failed.state, 'FailedUpgrade', 'an enabled handler that fails is FailedUpgrade');
    assert.deepEqual(await readHandlerState(state), failed);
    assert.equal((await moveHandler(state, 'NotInstalled')).failure, undefined, 'a successful move clears the failure');
  });

  it('keeps a heartbeat and tells when it went stale', async () => {
    const file = join(dir, 'heartbeat.json');
    assert.equal(isHeartbeatStale(await readHeartbeat(file), clock.now(), 60_000), true, 'no heartbeat is stale');
    await writeHeartbeat(file, 'ready', 'enabled', clock);
    const beat = await readHeartbeat(file);
    assert.equal(beat?.status, 'ready');
    assert.equal(isHeartbeatStale(beat, new Date(clock.now().getTime() + 30_000), 60_000), false);
    assert.equal(isHeartbeatStale(beat, new Date(clock.now().getTime() + 61_000), 60_000), true);
  });
});

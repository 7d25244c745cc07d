import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { tarGzOf } from '../../src/platform/tar-gz.ts';
import { MachineFixture } from './machine-fixture.ts';

const run = promisify(execFile);
const SECRETS = ['agent-token-SECRET-1', 'upload-key-SECRET-2', 'bearer-SECRET-3', 'client-secret-SECRET-4'];

async function contents(bundle: string): Promise<{ names: string[]; text: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'arca-bundle-out-'));
  try {
    await run('tar', ['-xzf', bundle, '-C', dir]);
    const names = (await run('tar', ['-tzf', bundle])).stdout.split('\n').map((n) => n.replace(/^\.\//, '')).filter((n) => n !== '' && !n.endsWith('/'));
    const text = (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('\n');
    return { names: names.toSorted(), text };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('arca doctor --collect-logs', () => {
  let machine: MachineFixture;

  before(async () => {
    machine = await MachineFixture.create();
    await machine.writeCredentials(SECRETS[0]);
    machine.extraConfig = ['HttpProxy.Host=proxy.local', 'HttpProxy.Port=3128'];
    await machine.writeConfig(['Extensions.Enabled=n']);
    const dir = join(machine.libDir, 'Arca.Backup.VMSnapshotLinux-1.0.0');
    for (const sub of ['config', 'status', 'logs', 'data']) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, 'HandlerManifest.json'), JSON.stringify({ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', commands: {}, continueOnFailure: true }));
    await writeFile(join(dir, 'state.json'), JSON.stringify({ state: 'Enabled' }));
    await writeFile(join(dir, 'config', '0.settings'), JSON.stringify({ publicSettings: { tasks: [] }, protectedSettings: { uploadKey: SECRETS[1] } }));
    await writeFile(join(dir, 'status', '0.status'), JSON.stringify([{ version: 1, timestampUTC: new Date().toISOString(), status: { status: 'success', code: 0, formattedMessage: { message: 'ok' } } }]));
    await writeFile(join(dir, 'logs', 'enable.log'), `calling the vault with Authorization: Bearer ${SECRETS[2]}\n{"clientSecret":"${SECRETS[3]}","step":"upload"}\n`);
    await writeFile(join(dir, 'data', 'snapshot.bin'), Buffer.alloc(4096));
    await writeFile(join(machine.logDir, 'vmsnapshot.log'), 'freeze took 12 ms\n');
  });
  after(async () => machine?.remove());

  it('writes a 0600 tar.gz with the agent and extension files, the redacted config, the results and the versions, and no secret', async () => {
    const bundle = join(machine.root, 'support.tar.gz');
    const { json } = await machine.doctor(['--collect-logs', '--out', bundle]);
    assert.equal(json.bundle, bundle);
    assert.equal((await stat(bundle)).mode & 0o777, 0o600);
    const { names, text } = await contents(bundle);
    for (const expected of [
      'config/agent.conf',
      'doctor.json',
      'versions.json',
      'lib/status.json',
      'lib/credentials.json',
      'lib/Arca.Backup.VMSnapshotLinux-1.0.0/HandlerManifest.json',
      'lib/Arca.Backup.VMSnapshotLinux-1.0.0/state.json',
      'lib/Arca.Backup.VMSnapshotLinux-1.0.0/config/0.settings',
      'lib/Arca.Backup.VMSnapshotLinux-1.0.0/status/0.status',
      'lib/Arca.Backup.VMSnapshotLinux-1.0.0/logs/enable.log',
      'logs/extensions/vmsnapshot.log',
    ]) assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    assert.ok(!names.some((n) => n.includes('/data/')), "the extension's data (snapshots) stays out");
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} is not in the bundle`);
    assert.match(text, /Extensions\.Enabled=n/, 'the config is there, only secrets are removed');
    assert.match(text, /"code": "GuestAgentSnapshotTaskStatusError"/, "the doctor's results are there");
    assert.match(text, /"node": "24\./);
  });

  it('the built-in writer makes an archive the system tar reads, for machines without tar', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-tar-'));
    try {
      const long = join('a'.repeat(60), 'b'.repeat(60), 'c.txt');
      await mkdir(join(dir, 'a'.repeat(60), 'b'.repeat(60)), { recursive: true });
      await writeFile(join(dir, long), 'long name\n');
      await writeFile(join(dir, 'top.json'), '{"x":1}\n');
      const archive = join(dir, '..', `${Date.now()}-builtin.tar.gz`);
      await writeFile(archive, await tarGzOf(dir));
      const { names, text } = await contents(archive);
      assert.deepEqual(names, [long, 'top.json']);
      assert.match(text, /long name/);
      await rm(archive);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

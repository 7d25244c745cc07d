import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_CHECK_TIMEOUT_MS, type Check } from '../../../agent/doctor/check.ts';
import { MACHINE_CHECKS } from '../../../agent/doctor/machine-checks.ts';
import { machineContext, type CommandRunner } from '../../../agent/doctor/machine-context.ts';
import { runChecks } from '../../../agent/doctor/run-checks.ts';
import { MACHINE_TITLES } from '../../../agent/doctor/titles.ts';
import type { BackupApi } from '../../../client/backup-api.ts';
import { VAULT_CHECKS, type VaultContext } from './vault-checks.ts';
import { VAULT_TITLES } from './vault-titles.ts';

const ALL = [...MACHINE_CHECKS, ...VAULT_CHECKS] as readonly Check<unknown>[];
const options = { language: 'en' as const, monotonic: () => performance.now(), maxTimeoutMs: 150 };

/** An API where every call, at any depth (api.arm.list…), waits for ever: a vault that accepted the connection and went silent. */
function silentApi(): BackupApi {
  const hang: object = new Proxy(() => undefined, { get: (_target, key) => (key === 'then' ? undefined : hang), apply: () => new Promise(() => undefined) });
  return hang as BackupApi;
}

describe('the doctor checklist', () => {
  it('every check has a stable unique id and a title in English and in Spanish, from the two tables', () => {
    const ids = ALL.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids.toSorted(), [...Object.keys(MACHINE_TITLES), ...Object.keys(VAULT_TITLES)].toSorted(), 'every title is used, every check has one');
    for (const check of ALL) {
      assert.ok(check.title.en.length > 0 && check.title.es.length > 0, check.id);
      assert.notEqual(check.title.es, check.title.en, `${check.id} is translated`);
    }
  });

  it(`every check waits at most ${MAX_CHECK_TIMEOUT_MS / 1000} s, so that a run ends within ten`, () => {
    for (const check of ALL) assert.ok((check.timeoutMs ?? 3000) <= MAX_CHECK_TIMEOUT_MS, `${check.id}: ${check.timeoutMs}`);
  });
});

/**
 * Every check's timeout path: commands that never exit, a vault that accepts and never answers,
 * an API that never replies. Each check still gives a finding, the ones that wait time out with
 * DoctorCheckTimedOut, and every command they started is told to stop.
 */
describe('a machine where everything hangs', () => {
  let dir: string;
  let silent: ReturnType<typeof createServer>;
  const sockets: Socket[] = [];
  const signals: AbortSignal[] = [];
  const hangingExec: CommandRunner = (_file, _args, signal) => {
    signals.push(signal);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ code: null, stdout: '', stderr: 'aborted' }), { once: true }));
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-doctor-hang-'));
    silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const image = Buffer.alloc(4096);
    image.writeUInt16LE(0xef53, 1080);
    await writeFile(join(dir, 'data.img'), image);
    await mkdir(join(dir, 'lib'));
    await mkdir(join(dir, 'proc', 'self'), { recursive: true });
    await mkdir(join(dir, 'systemd'));
    await writeFile(join(dir, 'proc', 'stat'), 'cpu  100 0 100 10000 0 0 0 0 0 0\n');
    await writeFile(join(dir, 'proc', 'meminfo'), 'MemTotal: 4000000 kB\nMemAvailable: 3500000 kB\n');
    await writeFile(join(dir, 'proc', 'self', 'mountinfo'), '20 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n');
    const port = (silent.address() as AddressInfo).port;
    await writeFile(join(dir, 'agent.conf'), `Lib.Dir=${join(dir, 'lib')}\nVault.Url=https://127.0.0.1:${port}\nDisks=data:${join(dir, 'data.img')}\n`);
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    silent?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the machine checks that wait on a command, the vault or the clock time out; the others answer; no command is left running', async () => {
    const context = await machineContext({
      configPath: join(dir, 'agent.conf'),
      paths: { procDir: join(dir, 'proc'), sysDir: join(dir, 'sys'), systemdRunDir: join(dir, 'systemd'), rebootRequired: join(dir, 'none'), updatesAvailable: join(dir, 'none'), interfacesFile: join(dir, 'none'), dhcpLeaseDirs: [], networkdConfigDirs: [] },
      clock: { now: () => new Date() },
      exec: hangingExec,
      agentVersion: '0.0.0-test',
    });
    const { results } = await runChecks(MACHINE_CHECKS, context, options);
    assert.deepEqual(new Set(results.map((r) => r.id)), new Set(MACHINE_CHECKS.map((c) => c.id)), 'every check reports');
    const timedOut = results.filter((r) => r.code === 'DoctorCheckTimedOut').map((r) => r.id).toSorted();
    assert.deepEqual(timedOut, ['agent.service', 'disks.fsck', 'disks.mounts', 'network.vault', 'os.load']);
    assert.ok(signals.length >= 3, `commands were started: ${signals.length}`);
    assert.ok(signals.every((s) => s.aborted), 'every command was told to stop');
  });

  it('every vault check times out against an API that never answers', async () => {
    const context: VaultContext = { api: silentApi(), vault: { name: 'vault-1', resourceGroup: 'rg' }, vm: { resourceGroup: 'rg', name: 'db-1', resource: { id: '/x', name: 'db-1', type: 'vm', properties: {} } as never }, now: new Date() };
    const { results } = await runChecks(VAULT_CHECKS, context, options);
    assert.deepEqual(results.map((r) => [r.id, r.status, r.code]).toSorted(), VAULT_CHECKS.map((c) => [c.id, 'WARN', 'DoctorCheckTimedOut']).toSorted());
    assert.match(results[0]?.message ?? '', /0\.15 s/);
  });
});

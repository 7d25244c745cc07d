import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runArca } from '../support/arca-process.ts';
import { findingsOf, MachineFixture } from './machine-fixture.ts';

/**
 * The agent's configuration file and its own health, broken for real: an edited agent.conf, a
 * stale status.json, a failed extension's files, a busy /proc. Each case runs the real
 * `arca doctor` and reads its JSON.
 */
describe('arca doctor on the machine: configuration, agent, extensions, load', () => {
  let machine: MachineFixture;

  before(async () => {
    machine = await MachineFixture.create();
  });
  after(async () => machine?.remove());

  const broken: [string, string][] = [
    ['Extensions.Enabled=n', 'Extensions.Enabled=n'],
    ['a misspelled key the agent refuses (Extensions.Enabeld=y)', 'Extensions.Enabeld=y'],
    ['a value the agent refuses (Extensions.Enabled=maybe)', 'Extensions.Enabled=maybe'],
    ["the seed's spelling Extensions.Enable=n", 'Extensions.Enable=n'],
  ];
  for (const [name, line] of broken) {
    it(`${name} fails with GuestAgentSnapshotTaskStatusError, and --fix writes Extensions.Enabled=y`, async () => {
      await machine.writeConfig(['Logs.Verbose=n', line]);
      const broke = await machine.doctor();
      assert.equal(broke.code, 1, broke.stderr);
      const [finding] = findingsOf(broke.json, 'config.extensions');
      assert.equal(finding?.status, 'FAIL', JSON.stringify(finding));
      assert.equal(finding?.code, 'GuestAgentSnapshotTaskStatusError');
      assert.ok((finding?.steps?.length ?? 0) > 0, 'the steps come with the code');
      assert.equal(broke.json.results[0]?.status, 'FAIL', 'the worst finding comes first');

      const fixed = await machine.doctor(['--fix']);
      assert.ok(fixed.json.fixes?.some((f) => f.id === 'config.extensions' && f.outcome === 'applied'), JSON.stringify(fixed.json.fixes));
      const text = await readFile(machine.configPath, 'utf8');
      assert.deepEqual(text.split('\n').filter((l) => /^Extensions\.Enab/i.test(l)), ['Extensions.Enabled=y']);
      assert.match(text, /^Logs\.Verbose=n$/m, 'the other lines stay');
      assert.equal(findingsOf(fixed.json, 'config.extensions')[0]?.status, 'PASS', 'the file is read again after the fix');
      const copies = (await readdir(machine.root)).filter((n) => n.startsWith('agent.conf.bak-'));
      assert.ok(copies.length > 0, 'the previous file is kept');
    });
  }

  it('--fix --lang es says in Spanish what it offers, what it did and what it saw, in the table and in JSON', async () => {
    await machine.writeConfig(['Extensions.Enabled=n']);
    const offered = await machine.table(['--lang', 'es']);
    assert.match(offered.stdout, /--fix: poner Extensions\.Enabled=y en \S+agent\.conf \(antes se guarda una copia del archivo\)\n/);
    assert.match(offered.stdout, /agent\.conf:\d+ pone Extensions\.Enabled=n: el agente rechaza/, 'the detail too, clipped to the width');

    const fixed = await machine.doctor(['--fix', '--lang', 'es']);
    const [fix] = fixed.json.fixes ?? [];
    assert.equal(fix?.id, 'config.extensions');
    assert.equal(fix?.outcome, 'applied');
    assert.equal(fix?.description, `poner Extensions.Enabled=y en ${machine.configPath} (antes se guarda una copia del archivo)`);
    assert.match(fix?.message ?? '', new RegExp(`^Extensions\\.Enabled=y escrito en ${machine.configPath.replaceAll('.', '\\.')}; el archivo anterior es \\S+agent\\.conf\\.bak-`));
    assert.match(findingsOf(fixed.json, 'config.extensions')[0]?.detail ?? '', /^definido en la línea \d+ de /);

    await machine.writeConfig(['Extensions.Enabled=n']);
    const table = await machine.table(['--fix', '--lang', 'es']);
    assert.match(table.stdout, /\n {2}corrección aplicada: Extensions\.Enabled=y escrito en /);
    assert.doesNotMatch(table.stdout, /wrote|the previous file/);
  });

  it('an unknown key elsewhere fails config.file with AgentConfigurationInvalid and its line', async () => {
    await machine.writeConfig(['Provisioning.Agent=waagent']);
    const { json } = await machine.doctor();
    const [finding] = findingsOf(json, 'config.file');
    assert.equal(finding?.code, 'AgentConfigurationInvalid');
    assert.match(finding?.detail ?? '', /agent\.conf:\d+: error: Provisioning\.Agent: "waagent" is not one of/);
  });

  it('a status.json older than three periods means the agent is not running: UserErrorGuestAgentStatusUnavailable', async () => {
    await machine.writeConfig();
    await machine.writeStatus(new Date(Date.now() - 10 * 60_000));
    const { json } = await machine.doctor();
    const [finding] = findingsOf(json, 'agent.service');
    assert.equal(finding?.status, 'FAIL');
    assert.equal(finding?.code, 'UserErrorGuestAgentStatusUnavailable');
    assert.match(finding?.detail ?? '', /status\.json is 6\d\d s old/);
    await machine.writeStatus(new Date());
    assert.equal(findingsOf((await machine.doctor()).json, 'agent.service')[0]?.status, 'PASS', 'a fresh status passes');
  });

  it("a failed extension's state and status fail with UserErrorVmProvisioningStateFailed; --fix clears them for a reinstall", async () => {
    await machine.writeConfig();
    const dir = join(machine.libDir, 'Arca.Backup.VMSnapshotLinux-1.0.0');
    await mkdir(join(dir, 'status'), { recursive: true });
    await writeFile(join(dir, 'HandlerManifest.json'), JSON.stringify({ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', commands: { enable: { argv: [process.execPath, join(dir, 'missing.js')], timeoutSeconds: 60 } }, continueOnFailure: true }));
    await writeFile(join(dir, 'state.json'), JSON.stringify({ state: 'Installed', failure: { command: 'enable', code: 'UserErrorFsFreezeFailed', message: 'freeze of /data failed' } }));
    await writeFile(join(dir, 'status', '3.status'), JSON.stringify([{ version: 1, timestampUTC: new Date().toISOString(), status: { name: 'x', operation: 'Enable', status: 'error', code: 770300, formattedMessage: { lang: 'en-US', message: 'freeze of /data failed' } } }]));
    const { json } = await machine.doctor();
    const [finding] = findingsOf(json, 'extensions.status');
    assert.equal(finding?.status, 'FAIL');
    assert.equal(finding?.code, 'UserErrorVmProvisioningStateFailed');
    assert.match(finding?.detail ?? '', /enable failed: UserErrorFsFreezeFailed freeze of \/data failed/);
    const files = findingsOf(json, 'extensions.snapshot-files')[0];
    assert.equal(files?.code, 'UserErrorExtensionInstallationFailed', 'the program it names is missing');

    const fixed = await machine.doctor(['--fix']);
    assert.ok(fixed.json.fixes?.some((f) => f.id === 'extensions.status' && f.outcome === 'applied'));
    assert.equal(findingsOf(fixed.json, 'extensions.status')[0]?.status, 'PASS');
    await assert.rejects(readFile(join(dir, 'state.json')), 'the handler state is gone, so the host installs it again');
    await rm(dir, { recursive: true });
  });

  it('high load read through the check\'s /proc fails with UserErrorSnapshotDelayedByLoad', async () => {
    await machine.writeConfig();
    await writeFile(join(machine.procDir, 'loadavg'), '64.00 60.00 50.00 9/100 1\n');
    await writeFile(join(machine.procDir, 'meminfo'), 'MemTotal:        4000000 kB\nMemAvailable:      80000 kB\n');
    try {
      const { json } = await machine.doctor();
      const [finding] = findingsOf(json, 'os.load');
      assert.equal(finding?.status, 'FAIL');
      assert.equal(finding?.code, 'UserErrorSnapshotDelayedByLoad');
      assert.match(finding?.detail ?? '', /CPU 100 %, memory 98 %/);
      assert.match(finding?.message ?? '', /98 % memory/);
    } finally {
      await machine.quietProc();
    }
  });

  it('a pending reboot warns with MachineRebootPending, in Spanish with --lang es', async () => {
    await machine.writeConfig();
    await writeFile(join(machine.root, 'reboot-required'), '*** System restart required ***\n');
    try {
      const { json } = await machine.doctor(['--lang', 'es']);
      const [finding] = findingsOf(json, 'os.reboot');
      assert.equal(finding?.status, 'WARN');
      assert.equal(finding?.code, 'MachineRebootPending');
      assert.match(finding?.message ?? '', /espera|reiniciar/);
    } finally {
      await rm(join(machine.root, 'reboot-required'));
    }
  });

  it('the human report puts the worst finding first and fits one screen', async () => {
    await machine.writeConfig(['Extensions.Enabled=n']);
    const run = await runArca(['doctor', '--config', machine.configPath, '--proc-dir', machine.procDir]);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^arca doctor: .*: \d+ FAIL, \d+ WARN, \d+ PASS$/);
    assert.match(lines[2] ?? '', /^FAIL /);
    assert.ok(lines.length <= 60, `${lines.length} lines`);
    assert.match(run.stdout, /--fix: set Extensions\.Enabled=y/);
  });
});

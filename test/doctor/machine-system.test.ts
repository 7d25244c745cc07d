import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { MACHINE_TITLES } from '../../src/agent/doctor/titles.ts';
import { runArca } from '../support/arca-process.ts';
import { findingsOf, MachineFixture } from './machine-fixture.ts';

const run = promisify(execFile);

/** What apt's update-notifier writes on Ubuntu 22.04 and later, ESM lines included. */
const UPDATES_AVAILABLE = `
Expanded Security Maintenance for Applications is not enabled.

7 updates can be applied immediately.
3 of these updates are standard security updates.
To see these additional updates run: apt list --upgradable

12 additional security updates can be applied with ESM Apps.
Learn more about enabling ESM Apps service at https://ubuntu.com/esm
`;

const DHCLIENT_LEASE = `lease {
  interface "eth0";
  fixed-address 10.0.0.5;
  option subnet-mask 255.255.255.0;
  renew 4 2030/01/03 10:00:00;
  expire 4 2030/01/03 22:00:00;
}
`;

/**
 * The operating system around the agent, broken for real in the machine's own files: apt's update
 * notice, ifupdown and networkd files without a lease, a handler program on a noexec mount, a
 * missing registration, a handler stuck in transitioning. Then the report in Spanish, worst first.
 */
describe('arca doctor on the machine: updates, DHCP, noexec, registration, stuck extension, Spanish report', () => {
  let machine: MachineFixture;
  const mounts: string[] = [];

  before(async () => {
    machine = await MachineFixture.create();
    await machine.writeConfig();
  });
  after(async () => {
    for (const dir of mounts.toReversed()) await run('umount', [dir]).catch(() => undefined);
    await machine?.remove();
  });

  it("apt's update notice with 7 updates warns with MachinePackageUpdatesPending (ESM's are not counted); 0 updates passes", async () => {
    const notice = await machine.writeMachineFile('var/lib/update-notifier/updates-available', UPDATES_AVAILABLE);
    const [finding] = findingsOf((await machine.doctor()).json, 'os.updates');
    assert.equal(finding?.status, 'WARN');
    assert.equal(finding?.code, 'MachinePackageUpdatesPending');
    assert.match(finding?.detail ?? '', new RegExp(`^7 update\\(s\\) per ${notice}`));
    assert.match(finding?.message ?? '', /7 package update/);

    await machine.writeMachineFile('var/lib/update-notifier/updates-available', '\n0 updates can be applied immediately.\n\n');
    assert.equal(findingsOf((await machine.doctor()).json, 'os.updates')[0]?.status, 'PASS');
    await rm(notice);
  });

  it('an interface configured for DHCP without a lease warns with DhcpLeaseNotFound; a lease of another interface does not count', async () => {
    await machine.writeMachineFile('etc/network/interfaces', 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n');
    await machine.writeMachineFile('etc/systemd/network/10-ens3.network', '[Match]\nName=ens3\n\n[Network]\nDHCP=yes\n');
    await mkdir(join(machine.root, 'sys', 'class', 'net', 'ens3'), { recursive: true });
    await writeFile(join(machine.root, 'sys', 'class', 'net', 'ens3', 'ifindex'), '3\n');
    await machine.writeMachineFile('run/systemd/netif/leases/2', '# a lease of ifindex 2, another interface\nADDRESS=192.168.1.20\n');
    const missing = findingsOf((await machine.doctor()).json, 'network.dhcp');
    assert.deepEqual(missing.map((f) => [f.status, f.code]), [['WARN', 'DhcpLeaseNotFound'], ['WARN', 'DhcpLeaseNotFound']]);
    assert.deepEqual(missing.map((f) => /^(\S+) uses DHCP; no lease found$/.exec(f.detail)?.[1]).toSorted(), ['ens3', 'eth0']);
    assert.match(missing[0]?.message ?? '', /configured for DHCP/);

    await machine.writeMachineFile('var/lib/dhcp/dhclient.eth0.leases', DHCLIENT_LEASE);
    await machine.writeMachineFile('run/systemd/netif/leases/3', 'ADDRESS=10.1.0.4\nNETMASK=255.255.0.0\n');
    const leased = findingsOf((await machine.doctor()).json, 'network.dhcp');
    assert.deepEqual(leased.map((f) => f.status), ['PASS', 'PASS'], JSON.stringify(leased));
    await rm(join(machine.fsRoot, 'etc'), { recursive: true });
  });

  it('a snapshot program on a noexec mount fails with UserErrorExtensionBlockedBySecurityPolicy', async (t) => {
    const dir = join(machine.root, 'noexec');
    await mkdir(dir);
    const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=1m,noexec', 'tmpfs', dir]).then(() => true, () => false);
    if (!mounted) return t.skip('mounting a tmpfs needs root');
    mounts.push(dir);
    const program = join(dir, 'vmsnapshot');
    await writeFile(program, '#!/bin/sh\nexit 0\n');
    await chmod(program, 0o755);
    await assert.rejects(run(program), /EACCES/, 'the kernel refuses to run it: the condition is real');
    await writeFile(join(machine.procDir, 'self', 'mountinfo'), await readFile('/proc/self/mountinfo', 'utf8'));
    const handler = join(machine.libDir, 'Arca.Backup.VMSnapshotLinux-1.0.0');
    await mkdir(handler, { recursive: true });
    await writeFile(join(handler, 'HandlerManifest.json'), JSON.stringify({ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', commands: { enable: { argv: [program, 'enable'], timeoutSeconds: 60 } }, continueOnFailure: true }));
    try {
      const [finding] = findingsOf((await machine.doctor()).json, 'extensions.snapshot-files');
      assert.equal(finding?.status, 'FAIL');
      assert.equal(finding?.code, 'UserErrorExtensionBlockedBySecurityPolicy');
      assert.equal(finding?.detail, `${program} is on ${dir}, mounted noexec`);
      assert.match(finding?.message ?? '', /noexec/);
    } finally {
      await rm(handler, { recursive: true });
      await machine.quietProc();
    }
  });

  it('a machine without its registration fails agent.registered with UserErrorGuestAgentNotInstalled', async () => {
    await rm(join(machine.libDir, 'credentials.json'));
    try {
      const [finding] = findingsOf((await machine.doctor()).json, 'agent.registered');
      assert.equal(finding?.status, 'FAIL');
      assert.equal(finding?.code, 'UserErrorGuestAgentNotInstalled');
      assert.match(finding?.detail ?? '', /no credentials\.json in /);
      const [spanish] = findingsOf((await machine.doctor(['--lang', 'es'])).json, 'agent.registered');
      assert.match(spanish?.detail ?? '', /no hay credentials\.json en /);
    } finally {
      await machine.writeCredentials();
    }
  });

  it('a handler transitioning for 40 minutes without a heartbeat fails with ExtensionStuckTransitioning', async () => {
    const handler = join(machine.libDir, 'Arca.Backup.VMSnapshotLinux-1.0.0');
    await mkdir(join(handler, 'status'), { recursive: true });
    const since = new Date(Date.now() - 40 * 60_000).toISOString();
    await writeFile(join(handler, 'HandlerManifest.json'), JSON.stringify({ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', commands: {}, continueOnFailure: true }));
    await writeFile(join(handler, 'state.json'), JSON.stringify({ state: 'Enabled' }));
    await writeFile(join(handler, 'heartbeat.json'), JSON.stringify({ time: since }));
    await writeFile(join(handler, 'status', '4.status'), JSON.stringify([{ version: 1, timestampUTC: since, status: { status: 'transitioning', code: 0, formattedMessage: { message: 'snapshotting' } } }]));
    try {
      const [finding] = findingsOf((await machine.doctor()).json, 'extensions.status');
      assert.equal(finding?.status, 'FAIL');
      assert.equal(finding?.code, 'ExtensionStuckTransitioning');
      assert.match(finding?.message ?? '', /40 minutes/);
    } finally {
      await rm(handler, { recursive: true });
    }
  });

  it('--lang es: titles, messages, details and the human report are Spanish, the ids stay, the worst finding comes first', async () => {
    await machine.writeConfig(['Extensions.Enabled=n']);
    const notice = await machine.writeMachineFile('var/lib/update-notifier/updates-available', UPDATES_AVAILABLE);
    await machine.writeMachineFile('etc/network/interfaces', 'auto eth1\niface eth1 inet dhcp\n');
    const { json } = await machine.doctor(['--lang', 'es']);
    const updates = findingsOf(json, 'os.updates')[0];
    assert.equal(updates?.title, MACHINE_TITLES['os.updates'].es);
    assert.equal(updates?.status, 'WARN');
    assert.equal(updates?.code, 'MachinePackageUpdatesPending');
    assert.equal(updates?.detail, `7 actualización(es) según ${notice}`);
    assert.match(updates?.message ?? '', /actualizaci/);
    const dhcp = findingsOf(json, 'network.dhcp');
    assert.deepEqual(dhcp.map((f) => [f.status, f.code, f.detail]), [['WARN', 'DhcpLeaseNotFound', 'eth1 usa DHCP; no se encontró ninguna concesión']]);
    assert.equal(findingsOf(json, 'os.reboot')[0]?.detail, `${join(machine.root, 'reboot-required')} no existe`);
    assert.match(findingsOf(json, 'os.load')[0]?.detail ?? '', /^CPU [\d.]+ %, memoria [\d.]+ %/);
    for (const result of json.results) {
      const id = result.id as keyof typeof MACHINE_TITLES;
      assert.ok(id in MACHINE_TITLES, `${result.id} is a known id`);
      assert.equal(result.title, MACHINE_TITLES[id].es);
    }

    const human = await runArca(['doctor', '--config', machine.configPath, '--proc-dir', machine.procDir, '--machine-root', machine.fsRoot, '--lang', 'es']);
    const lines = human.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^arca doctor: esta máquina \(.*\): [1-9]\d* FAIL, [1-9]\d* WARN, \d+ PASS$/);
    assert.match(human.stdout, new RegExp(`FAIL GuestAgentSnapshotTaskStatusError \\(\\d+\\): ${MACHINE_TITLES['config.extensions'].es}`));
    assert.match(human.stdout, new RegExp(`WARN MachinePackageUpdatesPending \\(\\d+\\): ${MACHINE_TITLES['os.updates'].es}`));
    const verdicts = lines.map((l) => /^(FAIL|WARN|PASS)\b/.exec(l)?.[1]).filter((v) => v !== undefined);
    const rank = { FAIL: 0, WARN: 1, PASS: 2 } as const;
    assert.equal(verdicts[0], 'FAIL');
    assert.deepEqual(verdicts, verdicts.toSorted((a, b) => rank[a as keyof typeof rank] - rank[b as keyof typeof rank]), `worst first: ${verdicts.join(' ')}`);
    assert.ok(lines.length <= 40, `${lines.length} lines fit one screen`);
    assert.ok(!/\b(this machine|no package updates waiting)\b/.test(human.stdout), 'no English title or frame');
    await rm(join(machine.fsRoot, 'var'), { recursive: true });
    await rm(join(machine.fsRoot, 'etc'), { recursive: true });
  });
});

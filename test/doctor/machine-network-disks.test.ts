import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, createServerCertificate, type PemPair } from '../../src/server/tls/certificates.ts';
import { findingsOf, MachineFixture } from './machine-fixture.ts';

const run = promisify(execFile);
const YEAR_MS = 365 * 86_400_000;

/** An HTTPS server with the given certificate whose Date header is `skewMs` off. */
async function vault(cert: PemPair, skewMs = 0): Promise<{ server: Server; url: string }> {
  const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    res.sendDate = false;
    res.writeHead(200, { date: new Date(Date.now() + skewMs).toUTCString(), 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closedPort(): Promise<number> {
  const probe = createTcpServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** A tmpfs of 1 MiB of our own: a real mount whose flags and files the test controls (root only). */
async function tmpfs(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  return run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).then(() => true, () => false);
}

describe('arca doctor on the machine: vault endpoint, TLS, clock, disks, mounts', () => {
  let machine: MachineFixture;
  let ca: PemPair;
  const servers: Server[] = [];
  const mounts: string[] = [];

  before(async () => {
    machine = await MachineFixture.create();
    ca = await createCertificateAuthority(new Date());
    await writeFile(join(machine.libDir, 'ca.pem'), ca.certPem, { mode: 0o600 });
  });
  after(async () => {
    for (const server of servers) server.close();
    for (const dir of mounts.toReversed()) await run('umount', [dir]).catch(() => undefined);
    await machine?.remove();
  });

  async function endpointFinding(url: string, args: readonly string[] = []) {
    machine.vaultUrl = url;
    await machine.writeConfig();
    const { json } = await machine.doctor(args);
    return findingsOf(json, 'network.vault');
  }

  it('a vault answering with a certificate of the pinned CA passes', async () => {
    const { server, url } = await vault(await createServerCertificate(ca, new Date()));
    servers.push(server);
    const [finding, ...rest] = await endpointFinding(url);
    assert.equal(finding?.status, 'PASS', finding?.detail);
    assert.match(finding?.detail ?? '', /answered 200; certificate valid for the pinned CA/);
    assert.deepEqual(rest, [], 'no clock finding when the clocks agree');
    const [spanish] = await endpointFinding(url, ['--lang', 'es']);
    assert.equal(spanish?.status, 'PASS');
    assert.equal(spanish?.detail, `${url} respondió 200; certificado válido para la CA fijada`);
  });

  it('a closed port fails with AgentVaultUnreachable', async () => {
    const [finding] = await endpointFinding(`https://127.0.0.1:${await closedPort()}`);
    assert.equal(finding?.status, 'FAIL');
    assert.equal(finding?.code, 'AgentVaultUnreachable');
    assert.match(finding?.detail ?? '', /ECONNREFUSED/);
  });

  it('a certificate from another CA fails with UserErrorSecureChannelFailed', async () => {
    const other = await createCertificateAuthority(new Date(), 'Someone else');
    const { server, url } = await vault(await createServerCertificate(other, new Date()));
    servers.push(server);
    const [finding] = await endpointFinding(url);
    assert.equal(finding?.code, 'UserErrorSecureChannelFailed');
    assert.match(finding?.detail ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|unable to verify/i);
  });

  it('an expired certificate of the pinned CA fails with UserErrorSecureChannelFailed', async () => {
    const { server, url } = await vault(await createServerCertificate(ca, new Date(Date.now() - 2 * YEAR_MS)));
    servers.push(server);
    const [finding] = await endpointFinding(url);
    assert.equal(finding?.code, 'UserErrorSecureChannelFailed');
    assert.match(finding?.detail ?? '', /CERT_HAS_EXPIRED/);
  });

  it("a vault clock ten minutes away fails with MachineClockSkewed", async () => {
    const { server, url } = await vault(await createServerCertificate(ca, new Date()), 10 * 60_000);
    servers.push(server);
    const findings = await endpointFinding(url);
    const skew = findings.find((f) => f.code === 'MachineClockSkewed');
    assert.equal(skew?.status, 'FAIL');
    assert.match(skew?.detail ?? '', /-(59\d|600|60\d) s from the vault's/);
    const spanish = (await endpointFinding(url, ['--lang', 'es'])).find((f) => f.code === 'MachineClockSkewed');
    assert.equal(spanish?.status, 'FAIL');
    assert.match(spanish?.detail ?? '', /^el reloj de esta máquina está a -(59\d|600|60\d) s del del almacén$/);
  });

  it('a sparse 40 TiB disk on a tmpfs fails with UserErrorUnsupportedDiskSize', async (t) => {
    const dir = join(machine.root, 'big');
    if (!(await tmpfs(dir))) return t.skip('mounting a tmpfs needs root');
    mounts.push(dir);
    const image = join(dir, 'data.img');
    await run('truncate', ['-s', '40T', image]);
    assert.equal((await stat(image)).size, 40 * 1024 ** 4);
    machine.disks = `os:${join(machine.root, 'os.img')},data:${image}`;
    await machine.writeConfig();
    const findings = findingsOf((await machine.doctor()).json, 'disks.size');
    const data = findings.find((f) => f.code === 'UserErrorUnsupportedDiskSize');
    assert.equal(data?.status, 'FAIL');
    assert.match(data?.message ?? '', /data/);
    assert.match(data?.detail ?? '', /40 TiB, over 32 TiB/);
    assert.ok(findings.some((f) => f.status === 'PASS' && f.detail.startsWith('os ')), 'the small disk passes');
    const spanish = findingsOf((await machine.doctor(['--lang', 'es'])).json, 'disks.size').find((f) => f.code === 'UserErrorUnsupportedDiskSize');
    assert.equal(spanish?.status, 'FAIL');
    assert.equal(spanish?.detail, 'el disco data mide 40 TiB, más de 32 TiB');
  });

  it('a disk on a file system mounted read-only warns with MountReadOnly', async (t) => {
    const dir = join(machine.root, 'ro');
    if (!(await tmpfs(dir))) return t.skip('mounting a tmpfs needs root');
    mounts.push(dir);
    await writeFile(join(dir, 'disk.img'), Buffer.alloc(64 << 10));
    await run('mount', ['-o', 'remount,ro', dir]);
    machine.disks = `ro:${join(dir, 'disk.img')}`;
    await machine.writeConfig();
    await writeFile(join(machine.procDir, 'self', 'mountinfo'), await readFile('/proc/self/mountinfo', 'utf8'));
    const findings = findingsOf((await machine.doctor()).json, 'disks.mounts');
    const ro = findings.find((f) => f.code === 'MountReadOnly');
    assert.equal(ro?.status, 'WARN', JSON.stringify(findings));
    assert.match(ro?.detail ?? '', new RegExp(`${dir} \\(tmpfs on tmpfs\\) is mounted read-only`));
    const spanish = findingsOf((await machine.doctor(['--lang', 'es'])).json, 'disks.mounts').find((f) => f.code === 'MountReadOnly');
    assert.equal(spanish?.status, 'WARN');
    assert.equal(spanish?.detail, `${dir} (tmpfs en tmpfs) está montado de solo lectura`);
  });
});

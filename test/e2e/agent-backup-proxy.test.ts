import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMPUTE, DISKS, machineProblem, MIB, OneHost, RG, run, same, VM, writeAt, type Job } from './one-host.ts';

/**
 * A machine that reaches its vault only through an HTTP CONNECT proxy (HttpProxy.Host and
 * HttpProxy.Port in agent.conf), with real processes on loopback: `arca server`, `arca agent run`
 * and the VMSnapshot extension it starts. The proxy tells which process opened each tunnel by
 * looking up the connecting socket's owner in /proc, so the extension's uploads and restore reads
 * are told apart from the agent's own goal-state and status calls.
 */

type Origin = 'agent' | 'extension' | 'other';

interface Tunnel {
  readonly origin: Origin;
  /** Bytes the machine sent through the tunnel. */
  up: number;
  /** Bytes the vault sent back through it. */
  down: number;
}

const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/** The process that owns the client end of `socket` (a loopback TCP connection to this process), by its command line. */
async function originOf(socket: Socket): Promise<Origin> {
  const local = `:${hex(socket.remotePort ?? 0)}`;
  const remote = `:${hex(socket.localPort ?? 0)}`;
  const row = (await readFile('/proc/net/tcp', 'utf8')).split('\n').map((line) => line.trim().split(/\s+/)).find((f) => f[1]?.endsWith(local) && f[2]?.endsWith(remote));
  const inode = row?.[9];
  if (!inode) return 'other';
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) !== `socket:[${inode}]`) continue;
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (argv.includes('extension') && argv.includes('vmsnapshot')) return 'extension';
      if (argv.includes('agent') && argv.includes('run')) return 'agent';
      return 'other';
    }
  }
  return 'other';
}

/** An HTTP CONNECT proxy on loopback that records every tunnel, and can refuse the extension's. */
class CountingProxy {
  readonly tunnels: Tunnel[] = [];
  /** What the extension's CONNECT gets: a tunnel, a 403, or its connection closed. */
  extension: 'tunnel' | 'forbid' | 'close' = 'tunnel';
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<CountingProxy> {
    const proxy = new CountingProxy(createServer());
    proxy.#server.on('connect', (req, client: Socket, head: Buffer) => void proxy.#tunnel(String(req.url), client, head));
    proxy.#server.listen(0, '127.0.0.1');
    await once(proxy.#server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  from(origin: Origin): Tunnel[] {
    return this.tunnels.filter((t) => t.origin === origin);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #tunnel(target: string, client: Socket, head: Buffer): Promise<void> {
    this.#sockets.add(client);
    client.on('error', () => client.destroy());
    const origin = await originOf(client);
    if (origin === 'extension' && this.extension === 'forbid') return void client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    if (origin === 'extension' && this.extension === 'close') return void client.destroy();
    const tunnel: Tunnel = { origin, up: head.length, down: 0 };
    this.tunnels.push(tunnel);
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      client.on('data', (piece: Buffer) => (tunnel.up += piece.length));
      upstream.on('data', (piece: Buffer) => (tunnel.down += piece.length));
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.#sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }
}

const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/proxysa`;
const problem = await machineProblem();

describe('a machine that reaches its vault only through an HTTP proxy: backup and restore by the extension', { skip: problem ?? false, timeout: 150_000 }, () => {
  let host: OneHost;
  let proxy: CountingProxy;
  let point: string;
  let expected: string;

  before(async () => {
    host = await OneHost.create('arca-e2e-proxy-');
    proxy = await CountingProxy.start();
    await host.registerAgent(undefined, ['HttpProxy.Host=127.0.0.1', `HttpProxy.Port=${proxy.port}`]);
    await host.readyView();
    await host.protect();
  });

  after(async () => {
    await host?.close();
    await proxy?.close();
  });

  async function backup(): Promise<Job> {
    return host.backupNow();
  }

  it('uploads the disks through the proxy: the extension opens its own tunnels and sends the data through them', async () => {
    // Registration already reported Ready: the running agent's own calls follow within its period.
    await host.until('the running agent calls the vault through the proxy', async () => (proxy.from('agent').length > 0 ? true : undefined));
    assert.equal(proxy.from('extension').length, 0, 'no tunnel from the extension before a backup');
    const earlier = await host.pointFolders();
    const job = await backup();
    assert.equal(job.properties.status, 'Completed', `${JSON.stringify(job.properties.errorDetails ?? job)}\n${host.agentOutput.slice(-3000)}`);
    const uploaded = proxy.from('extension').reduce((sum, t) => sum + t.up, 0);
    assert.ok(proxy.from('extension').length > 0, 'the extension opened tunnels');
    // The dense disk alone is 16 MiB of random data, which no compression shrinks.
    assert.ok(uploaded > 16 * MIB, `the extension sent ${uploaded} bytes through its tunnels`);
    [point] = (await host.pointFolders()).filter((f) => !earlier.includes(f)) as [string];
    assert.ok(point, 'the backup kept its snapshots as an instant point');
    expected = join(host.xfsMount, 'expected');
    await mkdir(expected);
    for (const name of DISKS) await run('cp', ['--reflink=always', join(point, `${name}.img`), join(expected, `${name}.img`)]);
  });

  for (const refusal of ['forbid', 'close'] as const) {
    it(`fails with ExtensionSnapshotFailedNoNetwork, naming the vault, when the proxy ${refusal === 'forbid' ? 'answers 403 to' : 'closes'} the extension's CONNECT`, async () => {
      proxy.extension = refusal;
      try {
        const job = await backup();
        assert.equal(job.properties.status, 'Failed');
        const detail = job.properties.errorDetails?.[0];
        assert.equal(detail?.code, 'ExtensionSnapshotFailedNoNetwork', JSON.stringify(job.properties.errorDetails));
        assert.ok(detail?.errorString?.includes(new URL(host.arm.info.url).host), `the message names the vault's endpoint: ${detail?.errorString}`);
        assert.match(detail?.errorString ?? '', /web-1/);
      } finally {
        proxy.extension = 'tunnel';
      }
    });
  }

  it('restores from the vault tier through the proxy, byte for byte', async () => {
    await host.createStorageAccount(ACCOUNT);
    const restorePoint = `/resourceGroups/AzureBackupRG_westeurope_1/providers/Microsoft.Compute/restorePointCollections/${basename(dirname(point))}/restorePoints/${basename(point)}`;
    const deleted = await host.arca('DELETE', restorePoint, undefined, COMPUTE);
    assert.equal(deleted.status, 200, deleted.body);
    await host.until('the agent removes the deleted snapshot', async () => ((await host.pointFolders()).includes(point) ? undefined : true));

    await writeAt(host.disk('dense'), 3 * MIB, randomBytes(256 * 1024));
    assert.equal((await host.arca('POST', `${VM}/powerOff`, undefined, COMPUTE)).status, 200);
    await host.unmountOs();
    const tunnelsBefore = proxy.tunnels.length;
    const asked = await host.restoreOriginal(point, ACCOUNT);
    assert.equal(asked.status, 202, asked.body);
    const job = await host.finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Completed', `${JSON.stringify(job.properties.errorDetails ?? job)}\n${host.agentOutput.slice(-3000)}`);
    const reads = proxy.tunnels.slice(tunnelsBefore).filter((t) => t.origin === 'extension');
    assert.ok(reads.length > 0, 'the extension read the point through its own tunnels');
    // At least the changed 4 MiB chunk of the dense disk came back through the proxy.
    assert.ok(reads.reduce((sum, t) => sum + t.down, 0) > MIB, 'the chunks came through the proxy');
    for (const name of DISKS) assert.ok(await same(host.disk(name), join(expected, `${name}.img`)), `disk ${name} cmp-equal to the backed-up disk`);
  });
});

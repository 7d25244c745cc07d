import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../../src/platform/system-clock.ts';
import { AGENT_API_VERSION } from '../../src/protocol/index.ts';
import { UPLOAD_PATHS } from '../../src/protocol/upload-channel.ts';
import { buildApp } from '../../src/server/app.ts';
import { createAgentTask } from '../../src/server/agents/index.ts';
import type { UploadRules } from '../../src/server/agents/index.ts';
import { loadInstallation } from '../../src/server/arm/index.ts';
import { createToken } from '../../src/server/auth/index.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { VIRTUAL_MACHINES } from '../../src/server/resources/virtual-machine-model.ts';
import { ensureTlsMaterial } from '../../src/server/tls/tls-material.ts';
import type { BlobStore } from '../../src/storage/blob/blob-store.ts';
import { HttpBlobStore } from '../../src/storage/blob/http-blob-store.ts';
import type { Repository } from '../../src/storage/repository/repository.ts';

export interface ChannelMachine {
  readonly machineId: string;
  readonly token: string;
}

/**
 * The real server app (buildApp, HTTPS on 127.0.0.1:0, in-memory metadata) with the upload channel
 * over a given store, and machines with Agent tokens: `open` ones have a pending snapshot task,
 * those with `restoring` a pending restore task of that repository point.
 */
export class UploadChannelServer {
  readonly url: string;
  readonly ca: string;
  readonly machines: readonly ChannelMachine[];
  readonly #app: FastifyInstance;
  readonly #dir: string;
  readonly #store: SqliteMetadataStore;

  private constructor(app: FastifyInstance, url: string, ca: string, machines: ChannelMachine[], dir: string, store: SqliteMetadataStore) {
    this.#app = app;
    this.url = url;
    this.ca = ca;
    this.machines = machines;
    this.#dir = dir;
    this.#store = store;
  }

  static async start(options: { store: BlobStore; repository: Pick<Repository, 'keys' | 'config'>; rules?: UploadRules; maxObjectBytes?: number; machines: { open: boolean; restoring?: string }[] }): Promise<UploadChannelServer> {
    const dir = await mkdtemp(join(tmpdir(), 'arca-channel-'));
    const tls = await ensureTlsMaterial(dir, systemClock);
    const store = SqliteMetadataStore.open(':memory:');
    const now = systemClock.now();
    const installation = await loadInstallation(store, now);
    const machines: ChannelMachine[] = [];
    for (const [n, machine] of options.machines.entries()) {
      const machineId = randomUUID();
      const id = `/subscriptions/${installation.subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${n}`;
      await store.put(VIRTUAL_MACHINES, { id: `vm${n}`, data: { id, properties: { vmId: machineId } }, index: { vmId: machineId.toLowerCase() } });
      if (machine.open) {
        const settings = { kind: 'snapshot' as const, jobName: `job${n}`, collectionId: 'c', pointName: `p${n}`, consistencyWanted: 'FileSystemConsistent' as const, disks: [] };
        await createAgentTask(store, { taskId: `job${n}`, vmId: id, settings, created: now.toISOString(), status: 'pending', updated: now.toISOString() });
      }
      if (machine.restoring !== undefined) {
        const settings = { kind: 'restore' as const, jobName: `restore${n}`, collectionId: 'c', pointName: `p${n}`, consistencyWanted: 'FileSystemConsistent' as const, disks: [{ name: 'os', path: '/vms/os.img', pointDisk: 0 }], repositoryPointId: machine.restoring };
        await createAgentTask(store, { taskId: `restore${n}`, vmId: id, settings, created: now.toISOString(), status: 'pending', updated: now.toISOString() });
      }
      const token = await createToken(store, { name: `agent ${machineId}`, role: 'Agent', machineId, now });
      machines.push({ machineId, token: token.secret });
    }
    const app = buildApp({
      clock: systemClock,
      store,
      version: 'test',
      installation,
      https: { key: tls.server.keyPem, cert: tls.server.certPem },
      uploadChannel: { store: options.store, repository: options.repository, ...(options.rules ? { rules: options.rules } : {}), ...(options.maxObjectBytes ? { maxObjectBytes: options.maxObjectBytes } : {}) },
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    return new UploadChannelServer(app, address, tls.caCertPem, machines, dir, store);
  }

  /** A client store speaking for `machine` on the repository of `pathMachine` (another's, to test refusals). */
  client(machine: ChannelMachine, pathMachine: ChannelMachine = machine): HttpBlobStore {
    return new HttpBlobStore({ url: `${this.url}${UPLOAD_PATHS.repository(pathMachine.machineId)}`, ca: this.ca, token: machine.token, query: { 'api-version': AGENT_API_VERSION } });
  }

  async close(): Promise<void> {
    await this.#app.close();
    await this.#store.close();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ArcaError, isArcaError, type Language } from '../../core/errors/index.ts';
import { AGENT_API_VERSION } from '../../protocol/index.ts';
import type { RepositoryKeysResponse } from '../../protocol/upload-channel.ts';
import { requireValidKey, requireValidPrefix } from '../../storage/blob/argument-checks.ts';
import type { BlobInfo, BlobStore } from '../../storage/blob/blob-store.ts';
import { BLOB_CONTENT_TYPE, ERROR_PARAMS_INFO, type WireBlobInfo } from '../../storage/blob/http-blob-wire.ts';
import { MAX_PACK_SIZE } from '../../storage/repository/config.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import { languageOf, renderArmError, toArcaError } from '../api/arm-error.ts';
import { recordAudit, type ArmDeps } from '../arm/index.ts';
import { authenticate, authorize, type Principal } from '../auth/index.ts';
import type { SnapshotTaskSettings } from './agent-task-model.ts';
import { agentTasksOf } from './agent-tasks-store.ts';
import { vmOfMachine } from './machine-lookup.ts';
import { BACKUP_UPLOAD_RULES, UploadLedger, type UploadOperation, type UploadRules } from './upload-rules.ts';

export interface UploadChannelDeps {
  /** The vault's repository's store: it receives the objects. */
  readonly store: BlobStore;
  /** The repository's derived keys and id, handed to the extension of a machine with an open task. */
  readonly repository: Pick<Repository, 'keys' | 'config'>;
  /** Least privilege by key (default: a backup's, upload-rules.ts). */
  readonly rules?: UploadRules;
  /** The most bytes one object may have. Packs are at most 64 MiB; a merged index file of a very large backup may be more. */
  readonly maxObjectBytes?: number;
}

export const DEFAULT_MAX_OBJECT_BYTES = 4 * MAX_PACK_SIZE;

const BASE = '/arca/agent/machines/:machineId/repository';
type Params = { machineId: string; '*'?: string };

interface Admitted {
  readonly machineId: string;
  readonly principal: Principal;
  /** For writes: whether the object may be replaced (the caller's ask, tightened by the rules). */
  readonly ifNotExists?: boolean;
}

/**
 * The upload channel (protocol/upload-channel.ts, ADR 5): the snapshot extension of one machine
 * writes its backup into the vault's repository with the machine's Agent token. Bodies stream into
 * the store's writer, which makes the object visible only when the whole body has arrived; a cut
 * connection aborts the writer. Plain Fastify routes with armRoute's checks (bearer token,
 * api-version, the Agent's own machine), because armRoute parses bodies whole. Refusals and
 * deletes are audited; adding objects is not (hundreds per backup; the backup's job records it).
 */
export function registerUploadChannelRoutes(app: FastifyInstance, deps: ArmDeps, channel: UploadChannelDeps): void {
  const rules = channel.rules ?? BACKUP_UPLOAD_RULES;
  const maxBytes = channel.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  const ledger = new UploadLedger();
  const { store } = channel;

  /** Runs one call: admits the caller, checks the key against the rules, answers or renders the error. */
  const serve =
    (operation: UploadOperation | 'keys', work: (request: FastifyRequest, reply: FastifyReply, caller: Admitted, key: string) => Promise<void>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const params = request.params as Params;
      const query = request.query as Record<string, string | undefined>;
      const key = operation === 'list' ? (query.prefix ?? '') : (params['*'] ?? '');
      let caller: Admitted | undefined;
      try {
        caller = await admit(request, deps, params.machineId, ledger, operation);
        if (operation !== 'keys') {
          if (operation === 'list') requireValidPrefix(key);
          else requireValidKey(key);
          const call = { operation, key, ownedByCaller: ledger.owns(caller.machineId, key), ifNotExists: request.headers['if-none-match'] === '*' };
          const refusal = rules.refusal(call);
          if (refusal !== undefined) throw new ArcaError('UploadChannelKeyForbidden', { machineId: caller.machineId, operation, key, reason: refusal });
          caller = { ...caller, ifNotExists: call.ifNotExists || (rules.mustNotReplace?.(call) ?? false) };
        }
        await work(request, reply, caller, key);
        if (operation === 'delete' || operation === 'keys') await auditChannelCall(deps, request, caller.principal, 200);
      } catch (thrown) {
        const error = toArcaError(thrown, `${request.method} upload channel`, request.id);
        if (error.code === 'ArcaInternalError') request.log.error({ err: error.cause ?? thrown }, 'internal error');
        if (caller !== undefined && error.httpStatus === 403) await auditChannelCall(deps, request, caller.principal, 403, error.code);
        if (!reply.sent) await reply.status(error.httpStatus).send(renderChannelError(error, languageOf(request.headers)));
      }
    };

  app.register(async (scope) => {
    // Bodies are streamed into the store by the handler, never parsed or buffered whole.
    scope.addContentTypeParser(BLOB_CONTENT_TYPE, (_request, _payload, done) => done(null, undefined));

    scope.get(
      `${BASE}/keys`,
      serve('keys', async (_request, reply) => {
        const { keys, config } = channel.repository;
        const body: RepositoryKeysResponse = { repositoryId: config.id, keys: { data: b64(keys.data), chunkId: b64(keys.chunkId), chunker: b64(keys.chunker) } };
        await reply.header('cache-control', 'no-store').send(body);
      }),
    );

    scope.put(
      `${BASE}/blobs/*`,
      serve('write', async (request, reply, caller, key) => {
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > maxBytes) throw new ArcaError('UploadChannelObjectTooLarge', { key, limit: maxBytes });
        await receive(store, request.raw, key, caller.ifNotExists ?? true, maxBytes);
        ledger.wrote(caller.machineId, key);
        await reply.status(201).send();
      }),
    );

    scope.get(
      `${BASE}/blobs/*`,
      serve('read', async (request, reply, _caller, key) => {
        const query = request.query as Record<string, string | undefined>;
        const range = query.offset === undefined && query.length === undefined ? undefined : { offset: wholeNumber(query.offset), length: wholeNumber(query.length) };
        const data = await store.get(key, range ? { range } : {});
        await reply.type(BLOB_CONTENT_TYPE).send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      }),
    );

    scope.delete(
      `${BASE}/blobs/*`,
      serve('delete', async (_request, reply, caller, key) => {
        await store.delete(key);
        ledger.deleted(caller.machineId, key);
        await reply.status(204).send();
      }),
    );

    scope.get(
      `${BASE}/stat/*`,
      serve('inspect', async (_request, reply, _caller, key) => {
        const info = await store.stat(key);
        if (info === undefined) throw new ArcaError('RepositoryBlobNotFound', { key });
        await reply.send(wire(info));
      }),
    );

    scope.get(
      `${BASE}/list`,
      serve('list', async (_request, reply, _caller, prefix) => {
        const items: WireBlobInfo[] = [];
        for await (const info of store.list(prefix)) items.push(wire(info));
        await reply.send({ items });
      }),
    );
  });
}

/**
 * What the channel gives a machine whose only open tasks are restores: the repository's keys, to
 * open the chunks it reads back through the restore read routes (restore-read-routes.ts). Writes,
 * lists, deletes and reads of raw objects stay for a backup.
 */
const RESTORE_OPERATIONS: ReadonlySet<UploadOperation | 'keys'> = new Set(['keys']);

/** Authenticates the Agent's bearer token and checks the agent protocol's api-version. */
export async function authenticateAgent(request: FastifyRequest, deps: ArmDeps): Promise<Principal> {
  const principal = await authenticate(request.headers.authorization, deps.store, deps.clock.now());
  const asked = (request.query as Record<string, string | undefined>)['api-version'];
  if (asked === undefined || asked === '') throw new ArcaError('MissingApiVersionParameter', { supported: AGENT_API_VERSION });
  if (asked !== AGENT_API_VERSION) throw new ArcaError('InvalidApiVersionParameter', { apiVersion: asked.slice(0, 40), supported: AGENT_API_VERSION });
  return principal;
}

/**
 * Authenticates, checks the api-version and the Agent's machine, and that a task of it that needs
 * `operation` is open: any open task for the keys, a snapshot task for everything else.
 */
async function admit(request: FastifyRequest, deps: ArmDeps, machineId: string, ledger: UploadLedger, operation: UploadOperation | 'keys'): Promise<Admitted> {
  const principal = await authenticateAgent(request, deps);
  authorize(principal, 'agent', { machineId });
  const needs = RESTORE_OPERATIONS.has(operation) ? () => true : (task: SnapshotTaskSettings) => task.kind !== 'restore';
  if (!(await hasOpenTask(deps, machineId, needs))) {
    ledger.forget(machineId);
    throw new ArcaError('UploadChannelNoOpenTask', { machineId });
  }
  return { machineId, principal };
}

/** True when a task of the machine for which `wanted` holds is pending or running; false for an unknown machine. */
export async function hasOpenTask(deps: ArmDeps, machineId: string, wanted: (task: SnapshotTaskSettings) => boolean = () => true): Promise<boolean> {
  let vmId: string;
  try {
    vmId = (await vmOfMachine(deps.store, machineId)).data.id;
  } catch (error) {
    if (isArcaError(error) && error.code === 'ResourceNotFound') return false;
    throw error;
  }
  return (await agentTasksOf(deps.store, vmId, ['pending', 'transitioning'])).some((task) => wanted(task.data.settings));
}

/** Streams the body into a writer and commits it once the whole body has arrived; anything else aborts it. */
async function receive(store: BlobStore, body: IncomingMessage, key: string, ifNotExists: boolean, maxBytes: number): Promise<void> {
  const writer = await store.create(key, { ifNotExists });
  try {
    let received = 0;
    for await (const piece of body as AsyncIterable<Buffer>) {
      received += piece.length;
      if (received > maxBytes) throw new ArcaError('UploadChannelObjectTooLarge', { key, limit: maxBytes });
      await writer.write(piece);
    }
    // A body cut short ends the loop with an error ('aborted'), never here; `complete` says the same.
    if (!body.complete) throw new ArcaError('RepositoryStoreUnavailable', { operation: 'write', key, reason: 'the upload was cut short' });
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function wholeNumber(text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw new ArcaError('UserErrorInvalidArgument', { name: 'range', reason: `"${String(text).slice(0, 20)}" is not a whole number of zero or more` });
  return value;
}

function wire(info: BlobInfo): WireBlobInfo {
  return info.modified ? { key: info.key, size: info.size, modified: info.modified.toISOString() } : { key: info.key, size: info.size };
}

/** ARM's envelope with the error's parameters added, so that the client raises the same error. */
export function renderChannelError(error: ArcaError, language: Language): unknown {
  const body = renderArmError(error, language);
  const info = error.code === 'ArcaInternalError' ? {} : error.params;
  return { error: { ...body.error, additionalInfo: [...(body.error.additionalInfo ?? []), { type: ERROR_PARAMS_INFO, info }] } };
}

/** Records a channel call in the audit log; a failure to record is logged, never the caller's. */
export async function auditChannelCall(deps: ArmDeps, request: FastifyRequest, principal: Principal, status: number, code?: string): Promise<void> {
  const path = request.url.split('?')[0] ?? request.url;
  await recordAudit(deps.store, { time: deps.clock.now(), principal, method: request.method, path, requestId: request.id, status, ...(code ? { code } : {}) }).catch(
    (error: unknown) => request.log.error({ err: error }, 'audit record not written'),
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { RESTORE_CHUNK_HEADERS } from '../../protocol/upload-channel.ts';
import { BLOB_CONTENT_TYPE } from '../../storage/blob/http-blob-wire.ts';
import type { RecoveryPointManifest } from '../../storage/points/manifest.ts';
import { Repository } from '../../storage/repository/repository.ts';
import { languageOf, toArcaError } from '../api/arm-error.ts';
import type { ArmDeps } from '../arm/index.ts';
import { authorize, type Principal } from '../auth/index.ts';
import type { SnapshotTaskSettings } from './agent-task-model.ts';
import { auditChannelCall, authenticateAgent, hasOpenTask, renderChannelError, type UploadChannelDeps } from './repository-routes.ts';
import { RestorePointReader } from './restore-point-reader.ts';

const BASE = '/arca/agent/machines/:machineId/repository/restore-points/:pointId';
type Params = { machineId: string; pointId: string; disk?: string; n?: string };

function position(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw new ArcaError('UserErrorInvalidArgument', { name: what, reason: `"${String(text).slice(0, 20)}" is not a whole number of zero or more` });
  return Number(text);
}

/**
 * The restore read routes (protocol/upload-channel.ts RESTORE_READ_PATHS): a machine's snapshot
 * extension reads a recovery point of its own machine back for an OriginalLocation restore from the
 * vault tier. Least privilege, checked in this order on every call: an Agent token for the machine
 * in the path (AuthorizationFailed), a restore task of that point pending or running on it
 * (RestoreReadNoOpenTask; checked before the point is looked up, so a token cannot probe point ids),
 * and a point whose manifest names that machine (UserErrorRestorePointOfAnotherMachine, 403,
 * audited). Chunks leave sealed as stored: the extension opens them
 * with the keys of `GET …/repository/keys` and checks each against its id.
 */
export function registerRestoreReadRoutes(app: FastifyInstance, deps: ArmDeps, channel: UploadChannelDeps): void {
  let opened: Promise<Repository> | undefined;
  const repo = (): Promise<Repository> => {
    opened ??= Repository.fromKeys(channel.store, { keys: channel.repository.keys, clock: deps.clock });
    opened.catch(() => (opened = undefined));
    return opened;
  };
  const reader = new RestorePointReader(repo);

  const serve =
    (work: (reply: FastifyReply, manifest: RecoveryPointManifest, params: Params) => Promise<void>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const params = request.params as Params;
      let principal: Principal | undefined;
      try {
        principal = await authenticateAgent(request, deps);
        authorize(principal, 'agent', { machineId: params.machineId });
        if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(params.pointId)) throw new ArcaError('UserErrorInvalidArgument', { name: 'pointId', reason: 'it is not a recovery point id' });
        // The open task first (a few metadata reads): without one, no point id is looked up, so a
        // token cannot probe which points exist or fill the manifest cache.
        const restoring = (task: SnapshotTaskSettings) => task.kind === 'restore' && task.repositoryPointId === params.pointId;
        if (!(await hasOpenTask(deps, params.machineId, restoring))) throw new ArcaError('RestoreReadNoOpenTask', { machineId: params.machineId, point: params.pointId });
        const manifest = await reader.pointOf(params.machineId, params.pointId);
        await work(reply, manifest, params);
      } catch (thrown) {
        const error = toArcaError(thrown, `${request.method} restore read`, request.id);
        if (error.code === 'ArcaInternalError') request.log.error({ err: error.cause ?? thrown }, 'internal error');
        if (principal !== undefined && error.httpStatus === 403) await auditChannelCall(deps, request, principal, 403, error.code);
        if (!reply.sent) await reply.status(error.httpStatus).send(renderChannelError(error, languageOf(request.headers)));
      }
    };

  app.get(
    BASE,
    serve(async (reply, manifest) => {
      await reply.header('cache-control', 'no-store').send(reader.layout(manifest));
    }),
  );

  app.get(
    `${BASE}/disks/:disk/refs/:n`,
    serve(async (reply, manifest, params) => {
      const piece = await reader.refPiece(manifest, position(params.disk, 'disk'), position(params.n, 'piece'));
      await reply.type(BLOB_CONTENT_TYPE).header('cache-control', 'no-store').send(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    }),
  );

  app.get(
    `${BASE}/disks/:disk/chunks/:n`,
    serve(async (reply, manifest, params) => {
      const chunk = await reader.chunk(manifest, position(params.disk, 'disk'), position(params.n, 'chunk'));
      await reply
        .type(BLOB_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .header(RESTORE_CHUNK_HEADERS.id, chunk.id)
        .header(RESTORE_CHUNK_HEADERS.flags, String(chunk.flags))
        .header(RESTORE_CHUNK_HEADERS.rawLength, String(chunk.rawLength))
        .send(Buffer.from(chunk.sealed.buffer, chunk.sealed.byteOffset, chunk.sealed.byteLength));
    }),
  );
}

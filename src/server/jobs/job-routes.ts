import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { backupJobId, formatResourceId, vaultId } from '../../core/ids/index.ts';
import {
  accepted,
  API_VERSIONS,
  armRoute,
  getOperation,
  listBody,
  operationResult,
  operationStatusBody,
  pagingOf,
  type ArmDeps,
  type ArmRequest,
  type OperationPaths,
} from '../arm/index.ts';
import { cancelJob } from './job-cancel.ts';
import { parseJobFilter } from './job-filter.ts';
import { JOBS, type JobDocument } from './job-record.ts';
import { renderJob } from './job-render.ts';
import { getJob } from './job-store.ts';

type VaultParams = { subscriptionId: string; resourceGroupName: string; vaultName: string };
type JobParams = VaultParams & { jobName: string };
type JobOperationParams = JobParams & { operationId: string };
type VaultOperationParams = VaultParams & { operationId: string };

const VAULT = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Microsoft.RecoveryServices/vaults/:vaultName';
const LIST = `${VAULT}/backupJobs`;
const ONE = `${LIST}/:jobName`;

function vaultOfRequest(deps: ArmDeps, params: VaultParams): string {
  return formatResourceId(vaultId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: params.resourceGroupName }, params.vaultName));
}

function jobIdOf(deps: ArmDeps, params: JobParams): string {
  const vault = vaultId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: params.resourceGroupName }, params.vaultName);
  return formatResourceId(backupJobId(vault, params.jobName));
}

/** The two paths of a cancel: the job's own result resource (Location) and the vault's status resource. */
function cancelPaths(deps: ArmDeps, params: JobParams, operationId: string): OperationPaths {
  const job = jobIdOf(deps, params);
  return { status: `${job.slice(0, job.lastIndexOf('/'))}/operationResults/${operationId}`, result: `${job}/operationResults/${operationId}` };
}

/** Azure's clients send `$skipToken`; the paging helper reads `$skiptoken`. */
function withSkipToken<P>(request: ArmRequest<P>): ArmRequest<P> {
  const { $skipToken: token, ...rest } = request.query;
  return token === undefined ? request : { ...request, query: { ...rest, $skiptoken: token } };
}

/** Jobs of a vault: list with `$filter` and paging, get, cancel, and the cancel's operation resources. */
export function registerJobRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<VaultParams>(app, deps, {
    method: 'GET',
    url: LIST,
    action: 'read',
    apiVersions,
    summary: 'List the backup jobs of a vault, newest first, with $filter on status, operation, startTime and endTime',
    handler: async (raw) => {
      const request = withSkipToken(raw);
      const filter = parseJobFilter(request.query.$filter);
      if (filter === 'none') return { status: 200, body: { value: [] } };
      const page = await deps.store.list<JobDocument>(JOBS, {
        where: [{ field: 'vault', op: 'eq', value: vaultOfRequest(deps, request.params).toLowerCase() }, ...filter.where],
        orderBy: { field: 'startTime', direction: 'desc' },
        ...pagingOf(request),
      });
      return { status: 200, body: listBody(request, page, (record) => renderJob(record.data, request.language, request.now)) };
    },
  });

  armRoute<JobParams>(app, deps, {
    method: 'GET',
    url: ONE,
    action: 'read',
    apiVersions,
    summary: 'Get a backup job with its tasks, progress and error details',
    handler: async (request) => {
      const id = jobIdOf(deps, request.params);
      const record = await getJob(deps.store, id);
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: id });
      return { status: 200, body: renderJob(record.data, request.language, request.now) };
    },
  });

  armRoute<JobParams>(app, deps, {
    method: 'POST',
    url: `${ONE}/cancel`,
    action: 'backup',
    apiVersions,
    summary: 'Cancel a backup job while it takes the snapshot',
    responses: { '202': 'Cancelling; follow Location' },
    handler: async (request) => {
      const { operationId } = await cancelJob(deps.store, jobIdOf(deps, request.params), request.now);
      return accepted(request, cancelPaths(deps, request.params, operationId), deps.retryAfterSeconds);
    },
  });

  armRoute<JobOperationParams>(app, deps, {
    method: 'GET',
    url: `${ONE}/operationResults/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Result of a job cancel: 202 while it runs, 204 once the job is cancelled',
    handler: async (request) => {
      const op = await getOperation(deps.store, request.params.operationId, request.path);
      if (op.jobId?.toLowerCase() !== jobIdOf(deps, request.params).toLowerCase()) throw new ArcaError('ResourceNotFound', { resourceId: request.path });
      return operationResult(request, op, cancelPaths(deps, request.params, op.id), deps.retryAfterSeconds);
    },
  });

  armRoute<VaultOperationParams>(app, deps, {
    method: 'GET',
    url: `${LIST}/operationResults/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Status of a job operation of the vault: 202 while it runs, 200 once it has ended',
    handler: async (request) => {
      const op = await getOperation(deps.store, request.params.operationId, request.path);
      const vault = vaultOfRequest(deps, request.params).toLowerCase();
      if (!op.jobId?.toLowerCase().startsWith(`${vault}/backupjobs/`)) throw new ArcaError('ResourceNotFound', { resourceId: request.path });
      const body = operationStatusBody(op, request.language);
      if (op.status !== 'InProgress') return { status: 200, body };
      return { status: 202, body, headers: { ...accepted(request, cancelPaths(deps, { ...request.params, jobName: op.jobId.split('/').pop() ?? '' }, op.id), deps.retryAfterSeconds).headers } };
    },
  });
}

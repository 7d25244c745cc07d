import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, recoveryPointId } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, listBody, pagingOf, queryParam, type ArmDeps } from '../arm/index.ts';
import { ITEM_PATH } from '../backup/paths.ts';
import { locateItem, type ItemParams } from '../backup/protected-item-routes.ts';
import { getProtectedItem } from '../backup/protected-items-store.ts';
import type { StoredRecord } from '../persistence/index.ts';
import type { RecoveryPointRecord } from './recovery-point-model.ts';
import { parseRecoveryPointFilter } from './recovery-point-filter.ts';
import { tierDetails } from './recovery-point-properties.ts';
import { getRecoveryPoint, pageRecoveryPoints } from './recovery-points-store.ts';

const RECOVERY_POINT_TYPE = 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints';

/** Tiers are drawn from `arca` on read, so a snapshot removed by retention shows as Deleted whoever removed it. */
function render(record: StoredRecord<RecoveryPointRecord>): Record<string, unknown> {
  const { id, name, properties, arca } = record.data;
  return { id, name, type: RECOVERY_POINT_TYPE, properties: { ...properties, recoveryPointTierDetails: tierDetails(arca) } };
}

/** Recovery points of a protected item: list (newest first, `$filter` on startDate/endDate) and get. */
export function registerRecoveryPointRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<ItemParams>(app, deps, {
    method: 'GET',
    url: `${ITEM_PATH}/recoveryPoints`,
    action: 'read',
    apiVersions,
    summary: "List a protected item's recovery points, newest first; $filter=startDate eq '…' and endDate eq '…'",
    handler: async (request) => {
      const { address } = await locateItem(deps.store, request);
      const window = parseRecoveryPointFilter(queryParam(request, '$filter'));
      const item = await getProtectedItem(deps.store, address.itemId);
      if (!item) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(address.itemId) });
      const page = await pageRecoveryPoints(deps.store, item.data.id, window, pagingOf(request));
      return { status: 200, body: listBody(request, page, render) };
    },
  });

  armRoute<ItemParams & { recoveryPointId: string }>(app, deps, {
    method: 'GET',
    url: `${ITEM_PATH}/recoveryPoints/:recoveryPointId`,
    action: 'read',
    apiVersions,
    summary: 'Get a recovery point (IaasVMRecoveryPoint: type, time, tiers, disks)',
    handler: async (request) => {
      const { address } = await locateItem(deps.store, request);
      const id = formatResourceId(recoveryPointId(address.itemId, request.params.recoveryPointId));
      const record = await getRecoveryPoint(deps.store, id);
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: id });
      return { status: 200, body: render(record) };
    },
  });
}

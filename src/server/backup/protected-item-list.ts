import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errors/index.ts';
import { backupPolicyId, formatResourceId, parseContainerName, virtualMachineId } from '../../core/ids/index.ts';
import { findMember, PROTECTION_STATES } from '../../core/states/index.ts';
import { API_VERSIONS, armRoute, listBody, pagingOf, type ArmDeps } from '../arm/index.ts';
import { admits, parseEqFilter } from './eq-filter.ts';
import { VAULT_PATH } from './paths.ts';
import { IAAS_VM } from './policy-arm.ts';
import { renderProtectedItem } from './protected-item-render.ts';
import { pageProtectedItems, type ProtectedItemFilter } from './protected-items-store.ts';
import { idOfVault, requireVault, type VaultPath } from './vault-store.ts';

const FILTER_KEYS = ['backupManagementType', 'itemType', 'workloadType', 'fabricName', 'policyName', 'protectionState', 'containerName'] as const;

/** `GET …/vaults/{v}/backupProtectedItems`, paged, with Azure's `$filter` keys. */
export function registerProtectedItemList(app: FastifyInstance, deps: ArmDeps): void {
  armRoute<VaultPath>(app, deps, {
    method: 'GET',
    url: `${VAULT_PATH}/backupProtectedItems`,
    action: 'read',
    apiVersions: API_VERSIONS.recoveryServicesBackup,
    summary: `List a vault's protected items ($filter: ${FILTER_KEYS.join(', ')})`,
    handler: async (request) => {
      const filter = parseEqFilter(request.query.$filter, FILTER_KEYS);
      const vault = await requireVault(deps.store, request.params);
      const vaultId = idOfVault(vault);
      const kinds = admits(filter.backupManagementType, IAAS_VM) && admits(filter.itemType, 'VM') && admits(filter.workloadType, 'VM') && admits(filter.fabricName, 'Azure');
      if (!kinds) return { status: 200, body: { value: [] } };
      let state: ProtectedItemFilter['protectionState'];
      if (filter.protectionState !== undefined) {
        state = findMember(PROTECTION_STATES, filter.protectionState);
        if (state === undefined) throw invalidArgument('$filter', `protectionState must be one of ${PROTECTION_STATES.join(', ')}`);
      }
      const container = filter.containerName === undefined ? undefined : parseContainerName(filter.containerName);
      const page = await pageProtectedItems(
        deps.store,
        vaultId,
        {
          ...(state === undefined ? {} : { protectionState: state }),
          ...(filter.policyName === undefined ? {} : { policyId: formatResourceId(backupPolicyId(vaultId, filter.policyName)) }),
          ...(container === undefined ? {} : { sourceVmId: formatResourceId(virtualMachineId({ subscriptionId: vaultId.subscriptionId, resourceGroup: container.resourceGroup }, container.vmName)) }),
        },
        pagingOf(request),
      );
      return { status: 200, body: listBody(request, page, (record) => renderProtectedItem(record.data, request.now)) };
    },
  });
}

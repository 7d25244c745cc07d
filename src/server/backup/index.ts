import type { FastifyInstance } from 'fastify';
import type { ArmDeps } from '../arm/index.ts';
import { registerOperationRoutes } from './operation-routes.ts';
import { registerPolicyRoutes } from './policy-routes.ts';
import { registerProtectableItemRoutes } from './protectable-item-routes.ts';
import { registerProtectedItemList } from './protected-item-list.ts';
import { registerProtectedItemRoutes } from './protected-item-routes.ts';
import { registerVaultRoutes } from './vault-routes.ts';

export { BACKUP_POLICIES, getBackupPolicy, type StoredPolicy } from './policies-store.ts';
export {
  canonicalItemId,
  getProtectedItem,
  PROTECTED_ITEMS,
  protectedItemForVm,
  protectedItemsOfVault,
  purgeExpiredSoftDeleted,
  updateProtectedItem,
  type ProtectedItemFilter,
  type StoredProtectedItem,
} from './protected-items-store.ts';
export { getVault, VAULTS, type VaultResource } from './vault-store.ts';

/** The Recovery Services surface: vaults, policies, protectable and protected items, their operations. */
export function registerBackupRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerVaultRoutes(app, deps);
  registerPolicyRoutes(app, deps);
  registerProtectableItemRoutes(app, deps);
  registerProtectedItemList(app, deps);
  registerProtectedItemRoutes(app, deps);
  registerOperationRoutes(app, deps);
}

/** Fastify patterns of the backup API; parameter names match the vault's routes so the router shares them. */
export const VAULT_PATH = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Microsoft.RecoveryServices/vaults/:vaultName';
export const FABRIC_PATH = `${VAULT_PATH}/backupFabrics/:fabricName`;
export const ITEM_PATH = `${FABRIC_PATH}/protectionContainers/:containerName/protectedItems/:protectedItemName`;

import { Command } from 'commander';
import { partsOf } from '../../client/backup-api.ts';
import { ResourceApi, type AccessPolicy } from '../../client/resource-api.ts';
import { invalidArgument } from '../../core/errors/index.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';
import { findByName } from './resource-lookup.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((p) => p.trim()).filter((p) => p !== ''));
const joined = (values: readonly string[] | undefined) => (values && values.length > 0 ? values.join(',') : '-');

function policyTable(policies: readonly AccessPolicy[]): string {
  if (policies.length === 0) return '  -\n';
  return formatTable(['OBJECT ID', 'TENANT', 'KEYS', 'SECRETS', 'CERTIFICATES'], policies.map((p) => [p.objectId, p.tenantId, joined(p.permissions.keys), joined(p.permissions.secrets), joined(p.permissions.certificates)]));
}

interface SetPolicyOptions {
  vault: string;
  resourceGroup?: string;
  objectId?: string;
  tenantId?: string;
  keyPermissions?: string;
  secretPermissions?: string;
  certificatePermissions?: string;
  remove?: boolean;
}

const vaultOptions = (c: Command) => c.requiredOption('--vault <name>', 'the key vault (name or resource id)').option('--resource-group <name>', 'its resource group (default: found from the name)');

/** `arca keyvault list|show|set-policy`: the key vaults of encrypted machines, and who may read their keys and secrets. */
export function keyVaultCommand(): Command {
  const command = new Command('keyvault').alias('key-vault').description("key vaults of encrypted machines and their access policies (the Backup service needs get and list on keys and secrets)");

  withTarget(command.command('list'), { vault: false })
    .description('list key vaults')
    .option('--resource-group <name>', 'only this resource group')
    .addHelpText('after', '\nExample:\n  arca keyvault list\n')
    .action(async function (this: Command, opts: { resourceGroup?: string }) {
      const session = await openSession(this);
      const vaults = await new ResourceApi(session.api.arm).listKeyVaults(opts.resourceGroup);
      if (session.out.format === 'json') return printJson(session.out, vaults);
      session.out.write(formatTable(['NAME', 'RESOURCE GROUP', 'LOCATION', 'POLICIES'], vaults.map((v) => [v.name, partsOf(v.id).resourceGroup, v.location ?? '', String((v.properties as { accessPolicies?: unknown[] }).accessPolicies?.length ?? 0)])));
    });

  vaultOptions(withTarget(command.command('show'), { vault: false }))
    .description('show a key vault and its access policies')
    .addHelpText('after', '\nExamples:\n  arca keyvault show --vault disks-kv\n  arca keyvault show --vault disks-kv -o json\n')
    .action(async function (this: Command, opts: { vault: string; resourceGroup?: string }) {
      const session = await openSession(this);
      const api = new ResourceApi(session.api.arm);
      const found = await findByName(opts.vault, 'key vault', opts.resourceGroup, (g, n) => api.getKeyVault(g, n), () => api.listKeyVaults());
      const vault = await api.getKeyVault(found.resourceGroup, found.name);
      if (session.out.format === 'json') return printJson(session.out, vault);
      session.out.write(
        keyValues([
          ['name', vault.name],
          ['resource group', found.resourceGroup],
          ['location', vault.location],
          ['tenant', vault.properties.tenantId],
          ['disk encryption', vault.properties.enabledForDiskEncryption ? 'enabled' : 'disabled'],
        ]) +
          'access policies:\n' +
          policyTable(vault.properties.accessPolicies),
      );
    });

  vaultOptions(withTarget(command.command('set-policy'), { vault: false }))
    .description("grant an identity permissions on a key vault (by default the Backup service's get and list on keys and secrets), or take them away with --remove")
    .option('--object-id <id>', "the identity's object id (default: the Backup service identity, from the server)")
    .option('--tenant-id <id>', "the identity's tenant (default: the Backup service's, or the key vault's)")
    .option('--key-permissions <list>', 'key permissions, comma separated (default: get,list)')
    .option('--secret-permissions <list>', 'secret permissions, comma separated (default: get,list)')
    .option('--certificate-permissions <list>', 'certificate permissions, comma separated (default: none)')
    .option('--remove', 'take the permissions away instead of granting them')
    .addHelpText(
      'after',
      '\nExamples:\n  arca keyvault set-policy --vault disks-kv\n  arca keyvault set-policy --vault disks-kv --object-id OBJECT_ID --key-permissions get,list,unwrapKey --secret-permissions get,list\n  arca keyvault set-policy --vault disks-kv --object-id OBJECT_ID --secret-permissions list --remove\n',
    )
    .action(async function (this: Command, opts: SetPolicyOptions) {
      const session = await openSession(this);
      const api = new ResourceApi(session.api.arm);
      const found = await findByName(opts.vault, 'key vault', opts.resourceGroup, (g, n) => api.getKeyVault(g, n), () => api.listKeyVaults());
      const backup = opts.objectId === undefined ? await api.backupServiceIdentity() : undefined;
      const objectId = opts.objectId ?? backup?.objectId ?? '';
      if (!GUID.test(objectId)) throw invalidArgument('--object-id', `"${objectId}" is not a GUID`);
      const tenantId = opts.tenantId ?? backup?.tenantId ?? (found.resource.properties as { tenantId?: string }).tenantId ?? '';
      if (!GUID.test(tenantId)) throw invalidArgument('--tenant-id', `"${tenantId}" is not a GUID`);
      const policy: AccessPolicy = {
        tenantId,
        objectId,
        permissions: { keys: list(opts.keyPermissions) ?? ['get', 'list'], secrets: list(opts.secretPermissions) ?? ['get', 'list'], certificates: list(opts.certificatePermissions) ?? [] },
      };
      const answer = await api.changeAccessPolicies(found.resourceGroup, found.name, opts.remove ? 'remove' : 'add', [policy]);
      if (session.out.format === 'json') return printJson(session.out, { keyVault: found.name, resourceGroup: found.resourceGroup, change: opts.remove ? 'remove' : 'add', policy, accessPolicies: answer.properties.accessPolicies });
      session.out.write(`key vault ${found.name}: ${opts.remove ? 'removed from' : 'granted to'} ${objectId}${backup ? ' (the Backup service)' : ''}; access policies now:\n${policyTable(answer.properties.accessPolicies)}`);
    });

  return command;
}

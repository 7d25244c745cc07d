import { Command } from 'commander';
import { operationError, type OperationStatus } from '../../client/arm-client.ts';
import { partsOf, type Resource, type VaultRef } from '../../client/backup-api.ts';
import { invalidArgument } from '../../core/errors/index.ts';
import { openSession, withTarget, type Session } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';
import { findItem } from './item-lookup.ts';

type ItemProps = Record<string, string | number | boolean | undefined>;

const WAIT = { timeoutMs: 120_000 };

/** Follows the PUT/DELETE to its end and throws the catalog error of a failed operation. */
async function settle(session: Session, done: OperationStatus | Resource): Promise<void> {
  const error = 'status' in done ? operationError(done as OperationStatus, session.api.arm.connection) : undefined;
  if (error) throw error;
}

async function report(session: Session, vault: VaultRef, resourceGroup: string, vm: string, verb: string): Promise<void> {
  const item = await session.api.getProtectedItem(vault, resourceGroup, vm);
  if (session.out.format === 'json') return printJson(session.out, item);
  const p = item.properties as ItemProps;
  session.out.write(`${vm}: ${verb}; protection state ${String(p.protectionState)}${softDeleteNote(p)}${p.policyName ? `, policy ${String(p.policyName)}` : ''}\n`);
}

/**
 * When a soft-deleted item's data goes for good, if it is in soft delete. Soft delete keeps Azure's protectionState
 * (ProtectionStopped) and, as Azure, `deferredDeleteTimeInUTC` is when the data was deleted.
 */
function softDeleteNote(p: ItemProps): string {
  if (p.isScheduledForDeferredDelete !== true) return '';
  const deleted = Date.parse(String(p.deferredDeleteTimeInUTC));
  const days = Number(p.softDeleteRetentionPeriodInDays);
  if (Number.isNaN(deleted) || !Number.isFinite(days)) return `, in soft delete for ${String(p.deferredDeleteTimeRemaining ?? '?')} more`;
  return `, in soft delete until ${new Date(deleted + days * 86_400_000).toISOString()}`;
}

const vmOption = (c: Command) => c.requiredOption('--vm <name>', 'the machine').option('--vm-resource-group <name>', "the machine's resource group, when the name is used in several");

export function protectionCommand(): Command {
  const command = new Command('protection').alias('items').description('protection of machines by a vault: enable, stop, resume, undelete, list');

  vmOption(withTarget(command.command('enable')))
    .description('protect a machine with a policy of the vault (or change its policy)')
    .requiredOption('--policy <name>', 'the policy')
    .addHelpText('after', '\nExample:\n  arca protection enable --vm web-1 --policy daily-30 --vault vault1\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; policy: string }) {
      const session = await openSession(this);
      const vault = await session.vault();
      const vm = await session.vm(opts.vm, opts.vmResourceGroup);
      const policy = await session.api.getPolicy(vault, opts.policy);
      await settle(session, await session.api.putProtectedItem(vault, vm.resourceGroup, vm.name, { sourceResourceId: vm.resource.id, policyId: policy.id }, WAIT));
      await report(session, vault, vm.resourceGroup, vm.name, 'protected');
    });

  vmOption(withTarget(command.command('stop')))
    .description('stop protecting a machine, keeping its recovery points (or deleting them with --delete-data)')
    .option('--delete-data', 'also delete its backup data (kept 14 days in soft delete; `arca protection undelete` brings it back)')
    .addHelpText('after', '\nExamples:\n  arca protection stop --vm web-1\n  arca protection stop --vm web-1 --delete-data\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; deleteData?: boolean }) {
      const session = await openSession(this);
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      if (opts.deleteData) {
        await settle(session, await session.api.deleteProtectedItem(found.vault, found.resourceGroup, found.vm, WAIT));
      } else {
        await settle(session, await session.api.putProtectedItem(found.vault, found.resourceGroup, found.vm, { protectionState: 'ProtectionStopped' }, WAIT));
      }
      await report(session, found.vault, found.resourceGroup, found.vm, opts.deleteData ? 'protection stopped, data deleted (soft delete)' : 'protection stopped, data kept');
    });

  vmOption(withTarget(command.command('resume')))
    .description('resume protection stopped with its data kept (with its policy, or another)')
    .option('--policy <name>', 'the policy (needed once protection was stopped: the item then keeps none)')
    .addHelpText('after', '\nExample:\n  arca protection resume --vm web-1 --policy daily-30\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; policy?: string }) {
      const session = await openSession(this);
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      const policyId = opts.policy ? (await session.api.getPolicy(found.vault, opts.policy)).id : String((found.item.properties as ItemProps).policyId ?? '');
      // A stopped item no longer names a policy, so resuming it needs one.
      if (policyId === '') throw invalidArgument('--policy', `protection of ${found.vm} is stopped and keeps no policy; name the policy to resume it with (\`arca policy list\`)`);
      await settle(session, await session.api.putProtectedItem(found.vault, found.resourceGroup, found.vm, { policyId }, WAIT));
      await report(session, found.vault, found.resourceGroup, found.vm, 'protection resumed');
    });

  vmOption(withTarget(command.command('undelete')))
    .description('bring back a machine\'s backup data from soft delete (protection stays stopped; resume it next)')
    .addHelpText('after', '\nExample:\n  arca protection undelete --vm web-1 && arca protection resume --vm web-1 --policy daily-30\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string }) {
      const session = await openSession(this);
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      await settle(session, await session.api.putProtectedItem(found.vault, found.resourceGroup, found.vm, { isRehydrate: true, protectionState: 'ProtectionStopped' }, WAIT));
      await report(session, found.vault, found.resourceGroup, found.vm, 'undeleted');
    });

  withTarget(command.command('list'))
    .description('list the machines the vault protects (or protected), with their state and last backup')
    .option('--policy <name>', 'only the machines of this policy')
    .addHelpText('after', '\nExamples:\n  arca protection list\n  arca protection list --policy daily-30 -o json\n')
    .action(async function (this: Command, opts: { policy?: string }) {
      const session = await openSession(this);
      const items = (await session.api.listProtectedItems(await session.vault())).filter((i) => opts.policy === undefined || String((i.properties as ItemProps).policyName ?? '').toLowerCase() === opts.policy.toLowerCase());
      if (session.out.format === 'json') return printJson(session.out, items);
      session.out.write(
        formatTable(
          ['VM', 'RESOURCE GROUP', 'STATE', 'HEALTH', 'POLICY', 'LAST BACKUP', 'STATUS'],
          items.map((i) => {
            const p = i.properties as ItemProps;
            return [String(p.friendlyName ?? ''), partsOf(String(p.sourceResourceId ?? '')).resourceGroup, `${String(p.protectionState ?? '')}${p.isScheduledForDeferredDelete === true ? ' (soft deleted)' : ''}`, String(p.healthStatus ?? ''), String(p.policyName ?? ''), String(p.lastBackupTime ?? ''), String(p.lastBackupStatus ?? '')];
          }),
        ),
      );
    });

  vmOption(withTarget(command.command('show')))
    .description("show a machine's protected item")
    .addHelpText('after', '\nExample:\n  arca protection show --vm web-1\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string }) {
      const session = await openSession(this);
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      if (session.out.format === 'json') return printJson(session.out, found.item);
      const p = found.item.properties as ItemProps;
      const keys = ['friendlyName', 'protectionState', 'protectionStatus', 'healthStatus', 'policyName', 'lastBackupStatus', 'lastBackupTime', 'lastRecoveryPoint', 'isScheduledForDeferredDelete', 'deferredDeleteTimeInUTC', 'deferredDeleteTimeRemaining'] as const;
      session.out.write(keyValues([...keys.map((k) => [k, p[k] === undefined ? undefined : String(p[k])] as const), ['vault', `${found.vault.resourceGroup}/${found.vault.name}`], ['id', found.item.id]]));
    });

  return command;
}

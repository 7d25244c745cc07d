import { Command, Option } from 'commander';
import type { VaultRef } from '../../client/backup-api.ts';
import { RemoteArcaError } from '../../client/remote-error.ts';
import { ArcaError, findEntry, invalidArgument, type CatalogCode } from '../../core/errors/index.ts';
import { openSession, withTarget, type Session } from '../context/session.ts';
import { printJson } from '../output.ts';
import { formatError } from '../print-error.ts';
import { watchJob } from '../render/job-watch.ts';
import { findItem, type ItemRef } from './item-lookup.ts';
import { finishWithJob } from './job.ts';
import { jobOfOperation } from './job-of-operation.ts';

const TYPES: Readonly<Record<string, string>> = {
  disks: 'RestoreDisks',
  restoredisks: 'RestoreDisks',
  alternate: 'AlternateLocation',
  alternatelocation: 'AlternateLocation',
  original: 'OriginalLocation',
  originallocation: 'OriginalLocation',
};

interface RestoreOptions {
  vm: string;
  vmResourceGroup?: string;
  point: string;
  rp?: string;
  type: string;
  storageAccount: string;
  targetRg?: string;
  targetVm?: string;
  vnet?: string;
  subnet?: string;
  dnsLabel?: string;
  validateOnly?: boolean;
  wait?: boolean;
  timeout: string;
}

/** A storage account by name: found in the subscription, else assumed in the target group (validation then says if it is missing). */
async function storageAccountId(session: Session, text: string, fallbackGroup: string): Promise<string> {
  if (text.startsWith('/subscriptions/')) return text;
  const accounts = await session.api.arm.list<{ id: string; name: string }>('/providers/Microsoft.Storage/storageAccounts', '2023-01-01');
  const match = accounts.find((a) => a.name.toLowerCase() === text.toLowerCase());
  return match?.id ?? `/subscriptions/${session.context.subscriptionId}/resourceGroups/${fallbackGroup}/providers/Microsoft.Storage/storageAccounts/${text}`;
}

async function restoreRequestOf(session: Session, found: ItemRef, vault: VaultRef, opts: RestoreOptions): Promise<Record<string, unknown>> {
  const recoveryType = TYPES[opts.type.toLowerCase()];
  if (!recoveryType) throw invalidArgument('--type', 'it must be disks, alternate or original (or RestoreDisks, AlternateLocation, OriginalLocation)');
  if (recoveryType === 'AlternateLocation' && (opts.targetRg === undefined || opts.targetVm === undefined || opts.vnet === undefined || opts.subnet === undefined)) {
    throw invalidArgument('--target-rg/--target-vm/--vnet/--subnet', 'a restore to a new machine needs its resource group, name, virtual network and subnet');
  }
  const sub = `/subscriptions/${session.context.subscriptionId}`;
  const targetRg = opts.targetRg ?? found.resourceGroup;
  const location = (await session.api.getVault(vault)).location;
  const source = String((found.item.properties as { sourceResourceId?: string }).sourceResourceId ?? '');
  return {
    objectType: 'IaasVMRestoreRequest',
    recoveryType,
    recoveryPointId: opts.point,
    sourceResourceId: source,
    storageAccountId: await storageAccountId(session, opts.storageAccount, targetRg),
    ...(location ? { region: location } : {}),
    ...(opts.targetRg ? { targetResourceGroupId: `${sub}/resourceGroups/${opts.targetRg}` } : {}),
    ...(opts.targetVm ? { targetVirtualMachineId: `${sub}/resourceGroups/${targetRg}/providers/Microsoft.Compute/virtualMachines/${opts.targetVm}` } : {}),
    ...(opts.vnet ? { virtualNetworkId: `${sub}/resourceGroups/${targetRg}/providers/Microsoft.Network/virtualNetworks/${opts.vnet}` } : {}),
    ...(opts.vnet && opts.subnet ? { subnetId: `${sub}/resourceGroups/${targetRg}/providers/Microsoft.Network/virtualNetworks/${opts.vnet}/subnets/${opts.subnet}` } : {}),
    ...(opts.dnsLabel ? { targetDomainNameId: opts.dnsLabel } : {}),
    createNewCloudService: recoveryType === 'AlternateLocation',
    originalStorageAccountOption: false,
  };
}

interface Finding {
  code?: string;
  message?: string;
  recommendations?: string[];
}

/** Validation's findings as catalog errors, in the vault's words. */
function findingsOf(body: unknown, language: 'en' | 'es'): ArcaError[] {
  const results = (body as { validateOperationResponse?: { validationResults?: Finding[] } } | undefined)?.validateOperationResponse?.validationResults ?? [];
  return results.map((r) => {
    const entry = r.code ? findEntry(r.code) : undefined;
    if (!entry) return new ArcaError('CliUnexpectedResponse', { method: 'POST', path: 'backupValidateOperation', status: 200, what: `a finding with code ${r.code ?? 'none'}` });
    return new RemoteArcaError(entry.code as CatalogCode, { language, message: r.message ?? '', ...(r.recommendations ? { recommendations: r.recommendations } : {}) }, { status: entry.httpStatus });
  });
}

export function restoreCommand(): Command {
  return withTarget(new Command('restore'))
    .description('restore a recovery point: its disks into a storage account, a new machine, or over the original; validated first')
    .requiredOption('--vm <name>', 'the protected machine')
    .option('--vm-resource-group <name>', "the machine's resource group, when the name is used in several")
    .option('--point <id>', 'the recovery point (`arca point list --vm NAME`)')
    .addOption(new Option('--rp <id>', 'the same as --point').hideHelp())
    .requiredOption('--type <type>', 'disks, alternate or original')
    .requiredOption('--storage-account <name>', 'storage account (name or id) in the vault\'s region, for the disks or staging')
    .option('--target-rg <name>', 'resource group of the restored disks or machine')
    .option('--target-vm <name>', 'name of the new machine (alternate)')
    .option('--vnet <name>', 'virtual network of the new machine, in the target group (alternate)')
    .option('--subnet <name>', 'its subnet (alternate)')
    .option('--dns-label <label>', 'DNS name label of the new machine (alternate)')
    .option('--validate-only', 'only check the request: region, SKU, network, DNS name, quota, keys')
    .option('--wait', 'follow the restore job to its end; the exit code tells how it ended, as `arca job watch`')
    .option('--timeout <seconds>', 'with --wait, stop waiting after this long; 0 waits as long as it runs', '0')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  arca restore --vm web-1 --point 20261122004512 --type disks --storage-account restoresa --validate-only',
        '  arca restore --vm web-1 --point 20261122004512 --type disks --storage-account restoresa --wait',
        '  arca restore --vm web-1 --rp 20261122004512 --type alternate --storage-account restoresa --target-rg dr --target-vm web-1-dr --vnet dr-net --subnet default --dns-label web-1-dr',
        '',
      ].join('\n'),
    )
    .action(async function (this: Command, opts: RestoreOptions) {
      const session = await openSession(this);
      const point = opts.point ?? opts.rp;
      if (point === undefined) throw invalidArgument('--point', 'name the recovery point to restore (`arca point list --vm NAME` lists them)');
      opts.point = point;
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      const request = await restoreRequestOf(session, found, found.vault, opts);
      const pointId = `${found.item.id}/recoveryPoints/${opts.point}`;
      const findings = findingsOf((await session.api.validateRestore(found.vault, pointId, request)).body, session.out.language);
      const [first, ...rest] = findings;
      if (first) {
        for (const other of rest) process.stderr.write(formatError(other, session.out.language));
        throw first;
      }
      if (opts.validateOnly) {
        if (session.out.format === 'json') return printJson(session.out, { valid: true, request });
        session.out.write(session.out.language === 'es' ? 'La restauración es válida; no se ha iniciado (--validate-only).\n' : 'The restore is valid; nothing was started (--validate-only).\n');
        return;
      }
      const url = await session.api.restore(found.vault, found.resourceGroup, found.vm, opts.point, request);
      if (url === undefined) throw new ArcaError('CliUnexpectedResponse', { method: 'POST', path: 'restore', status: 200, what: 'no operation to follow' });
      const jobId = await jobOfOperation(session, url);
      if (!opts.wait) {
        if (session.out.format === 'json') return printJson(session.out, { jobId, vm: found.vm, point: opts.point });
        session.out.write(`restore of ${found.vm} from point ${opts.point} started: job ${jobId}\n  follow it with: arca job watch ${jobId}\n`);
        return;
      }
      finishWithJob(session, await watchJob(session, found.vault, jobId, { timeoutSeconds: Number(opts.timeout) || 0 }));
    });
}

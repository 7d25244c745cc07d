import { Command } from 'commander';
import type { Resource } from '../../client/backup-api.ts';
import { ResourceApi } from '../../client/resource-api.ts';
import { invalidArgument } from '../../core/errors/index.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';

interface ExtensionProps {
  publisher?: string;
  type?: string;
  typeHandlerVersion?: string;
  provisioningState?: string;
  handlerState?: string;
  status?: { code?: number; message?: string };
}

/**
 * The extension `given` names: its full name (any case), or the start of its type, so that the
 * seed's `VMSnapshot` finds `Arca.Backup.VMSnapshotLinux`. A name that fits several is refused.
 */
export function pickExtension(extensions: readonly Resource[], given: string): Resource | undefined {
  const lower = given.toLowerCase();
  const exact = extensions.find((e) => e.name.toLowerCase() === lower);
  if (exact) return exact;
  const loose = extensions.filter((e) => (e.name.split('.').at(-1) ?? '').toLowerCase().startsWith(lower));
  if (loose.length > 1) throw invalidArgument('--name', `"${given}" fits several extensions (${loose.map((e) => e.name).join(', ')}); give the full name`);
  return loose[0];
}

type Target = { vm: string; vmResourceGroup?: string };

const withMachine = (command: Command) =>
  withTarget(command, { vault: false }).requiredOption('--vm <name>', 'the machine (name or resource id)').option('--vm-resource-group <name>', 'its resource group, when the name is used in several');

/** `arca vm extension list|remove`: the extensions a machine's agent reports, and removing a failed one so that the next backup reinstalls it. */
export function vmExtensionCommand(): Command {
  const command = new Command('extension').alias('extensions').description("a machine's extensions (the snapshot extension is installed by the first backup)");

  withMachine(command.command('list'))
    .description('list the extensions of a machine with their state')
    .addHelpText('after', '\nExample:\n  arca vm extension list --vm web-1\n')
    .action(async function (this: Command, opts: Target) {
      const session = await openSession(this);
      const machine = await session.vm(opts.vm, opts.vmResourceGroup);
      const extensions = await new ResourceApi(session.api.arm).listExtensions(machine.resourceGroup, machine.name);
      if (session.out.format === 'json') return printJson(session.out, extensions);
      session.out.write(
        formatTable(
          ['NAME', 'VERSION', 'PROVISIONING', 'HANDLER', 'MESSAGE'],
          extensions.map((e) => {
            const p = e.properties as ExtensionProps;
            return [e.name, p.typeHandlerVersion ?? '', p.provisioningState ?? '', p.handlerState ?? '', p.status?.message ?? ''];
          }),
        ),
      );
    });

  withMachine(command.command('remove'))
    .description('remove an extension (e.g. one stuck failed): the next backup installs it again')
    .requiredOption('--name <extension>', 'the extension: its full name, or the start of its type (VMSnapshot)')
    .addHelpText('after', '\nExample:\n  arca vm extension remove --vm web-1 --name VMSnapshot\n')
    .action(async function (this: Command, opts: Target & { name: string }) {
      const session = await openSession(this);
      const machine = await session.vm(opts.vm, opts.vmResourceGroup);
      const api = new ResourceApi(session.api.arm);
      const extension = pickExtension(await api.listExtensions(machine.resourceGroup, machine.name), opts.name);
      const removed = extension !== undefined && (await api.removeExtension(machine.resourceGroup, machine.name, extension.name));
      const name = extension?.name ?? opts.name;
      if (session.out.format === 'json') return printJson(session.out, { vm: machine.name, resourceGroup: machine.resourceGroup, extension: name, removed });
      session.out.write(removed ? `${machine.name}: extension ${name} removed; the next backup installs it again\n` : `${machine.name} has no extension ${name}: nothing to remove\n`);
    });

  return command;
}

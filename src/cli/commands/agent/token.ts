import { Command } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { openSession, withTarget } from '../../context/session.ts';
import { printJson } from '../../output.ts';
import { keyValues } from '../../render/key-values.ts';

/** Shell-quotes a value for the command line printed for the operator to copy. */
const quote = (value: string) => (/^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/** `arca agent token create`: a one-time registration token for one machine, printed once with the command that uses it. */
export function tokenCommand(): Command {
  const command = new Command('token').description("one-time registration tokens for machines' agents (run where you operate the vault)");
  withTarget(command.command('create'), { vault: false })
    .description('create a one-time registration token for a machine: its secret is shown once')
    .requiredOption('--vm <name>', 'the machine (it must exist, unless --create: registered before, or declared through the API)')
    .option('--vm-resource-group <name>', "the machine's resource group, when the name is used in several")
    .option('--create', 'the machine does not exist yet: its registration creates it in --resource-group')
    .option('--resource-group <name>', 'with --create: the (existing) resource group the new machine goes in')
    .option('--location <region>', "with --create: the new machine's region (default: the resource group's)")
    .option('--expires-in <minutes>', 'minutes the token stays valid (default: the server\'s, 60)')
    .addHelpText('after', '\nExamples:\n  arca agent token create --vm web-1 --expires-in 30\n  arca agent token create --create --vm web-2 --resource-group prod-rg\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; create?: boolean; resourceGroup?: string; location?: string; expiresIn?: string }) {
      const minutes = opts.expiresIn === undefined ? undefined : Number(opts.expiresIn);
      if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1)) throw invalidArgument('--expires-in', `"${opts.expiresIn}" is not a whole number of minutes`);
      if (opts.create && opts.resourceGroup === undefined) throw invalidArgument('--resource-group', 'required with --create: the resource group the new machine goes in');
      if (!opts.create && (opts.resourceGroup !== undefined || opts.location !== undefined)) throw invalidArgument('--resource-group', '--resource-group and --location go with --create (for an existing machine, use --vm-resource-group)');
      const session = await openSession(this);
      let vmName: string;
      let token: { id: string; machineId: string; expires: string; secret: string; caFingerprint?: string };
      if (opts.create) {
        const made = await session.api.createRegistrationTokenForNewVm({ resourceGroup: opts.resourceGroup as string, vmName: opts.vm, ...(opts.location ? { location: opts.location } : {}) }, minutes);
        token = made;
        vmName = `${made.vm.name} (created when it registers, in ${made.vm.resourceGroup}, ${made.vm.location})`;
      } else {
        const vm = await session.vm(opts.vm, opts.vmResourceGroup);
        const machineId = String((vm.resource.properties as { vmId?: string }).vmId ?? '');
        token = await session.api.createRegistrationToken(machineId, minutes);
        vmName = vm.name;
      }
      const register = [
        'sudo arca agent register',
        `--vault ${quote(session.context.server)}`,
        `--machine-id ${quote(token.machineId)}`,
        `--token ${quote(token.secret)}`,
        ...(token.caFingerprint ? [`--ca-fingerprint ${quote(token.caFingerprint)}`] : []),
      ].join(' ');
      if (session.out.format === 'json') return printJson(session.out, { ...token, vm: opts.create ? opts.vm : vmName, registerCommand: register });
      session.out.write(
        keyValues([
          ['machine', `${vmName} (vmId ${token.machineId})`],
          ['token id', token.id],
          ['expires', token.expires],
          ['secret', `${token.secret}   (shown once)`],
          ['CA fingerprint', token.caFingerprint ?? '-'],
        ]) + `\nOn the machine, as root:\n  ${register}\n`,
      );
    });
  return command;
}

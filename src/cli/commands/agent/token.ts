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
    .requiredOption('--vm <name>', 'the machine (it must exist: registered before, or declared through the API)')
    .option('--vm-resource-group <name>', "the machine's resource group, when the name is used in several")
    .option('--expires-in <minutes>', 'minutes the token stays valid (default: the server\'s, 60)')
    .addHelpText('after', '\nExample:\n  arca agent token create --vm web-1 --expires-in 30\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; expiresIn?: string }) {
      const session = await openSession(this);
      const minutes = opts.expiresIn === undefined ? undefined : Number(opts.expiresIn);
      if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1)) throw invalidArgument('--expires-in', `"${opts.expiresIn}" is not a whole number of minutes`);
      const vm = await session.vm(opts.vm, opts.vmResourceGroup);
      const machineId = String((vm.resource.properties as { vmId?: string }).vmId ?? '');
      const token = await session.api.createRegistrationToken(machineId, minutes);
      const register = [
        'sudo arca agent register',
        `--vault ${quote(session.context.server)}`,
        `--machine-id ${quote(token.machineId)}`,
        `--token ${quote(token.secret)}`,
        ...(token.caFingerprint ? [`--ca-fingerprint ${quote(token.caFingerprint)}`] : []),
      ].join(' ');
      if (session.out.format === 'json') return printJson(session.out, { ...token, vm: vm.name, registerCommand: register });
      session.out.write(
        keyValues([
          ['machine', `${vm.name} (vmId ${token.machineId})`],
          ['token id', token.id],
          ['expires', token.expires],
          ['secret', `${token.secret}   (shown once)`],
          ['CA fingerprint', token.caFingerprint ?? '-'],
        ]) + `\nOn the machine, as root:\n  ${register}\n`,
      );
    });
  return command;
}

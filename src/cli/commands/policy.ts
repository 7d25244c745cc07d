import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { invalidArgument } from '../../core/errors/index.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';
import { describeRetention, describeSchedule, policyFromFlags, type PolicyFlags } from './policy-flags.ts';

/** A policy file is either the whole ARM body `{properties:{…}}` or the properties themselves. */
async function policyFromFile(path: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw invalidArgument('--file', `${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidArgument('--file', `${path} must hold a JSON object`);
  const body = parsed as Record<string, unknown>;
  return (typeof body.properties === 'object' && body.properties !== null ? body.properties : body) as Record<string, unknown>;
}

type Props = Record<string, unknown>;

export function policyCommand(): Command {
  const command = new Command('policy').description("backup policies: when a vault's machines are backed up and how long points are kept");

  withTarget(command.command('create'))
    .description('create or replace a policy, from flags or from a JSON file')
    .requiredOption('--name <policy>', 'the policy (3 to 150 characters)')
    .option('--file <policy.json>', 'the policy as ARM JSON ({"properties":{…}} or the properties alone)')
    .option('--daily <HH:MM>', 'one backup a day at this time')
    .option('--weekly <DAYS@HH:MM>', 'backups on these days at this time, e.g. Sun,Wed@02:30')
    .option('--hourly <hours>', 'every 4, 6, 8 or 12 hours within a window (an Enhanced, V2, policy)')
    .option('--window-start <HH:MM>', 'start of the hourly window')
    .option('--window-hours <hours>', 'length of the hourly window')
    .option('--v2', 'make a daily or weekly policy Enhanced (V2)')
    .addOption(new Option('--type <type>', 'V1 (standard) or V2 (enhanced: the same as --v2; hourly policies are always V2)').choices(['V1', 'V2']))
    .option('--retain-daily <days>', 'keep daily points this many days')
    .option('--retain-weekly <weeks>', 'keep the points of the schedule\'s days (or Sunday) this many weeks')
    .option('--retain-monthly <months>', 'keep the first point of each month this many months')
    .option('--retain-yearly <years>', "keep January's first point this many years")
    .option('--instant-days <days>', 'keep snapshots in the instant tier this many days, 1–5', '2')
    .option('--time-zone <zone>', 'time zone of the schedule (IANA or Windows name)', 'UTC')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  arca policy create --vault vault1 --name daily-30 --daily 02:30 --retain-daily 30 --instant-days 2',
        '  arca policy create --name weekly --weekly Sun,Wed@22:00 --retain-weekly 12 --retain-monthly 12 --time-zone Europe/Madrid',
        '  arca policy create --name every-4h --hourly 4 --window-start 08:00 --window-hours 12 --retain-daily 7',
        '  arca policy create --name from-file --file policy.json',
        '',
      ].join('\n'),
    )
    .action(async function (this: Command, opts: PolicyFlags & { name: string; file?: string; type?: 'V1' | 'V2' }) {
      if (opts.type === 'V1' && (opts.v2 === true || opts.hourly !== undefined)) throw invalidArgument('--type', 'V1 cannot be combined with --v2 or --hourly, which make a V2 policy');
      const session = await openSession(this);
      const properties = opts.file !== undefined ? await policyFromFile(opts.file) : policyFromFlags({ ...opts, v2: opts.v2 === true || opts.type === 'V2' });
      const policy = await session.api.putPolicy(await session.vault(), opts.name, properties);
      if (session.out.format === 'json') return printJson(session.out, policy);
      session.out.write(`policy ${policy.name}: ${describeSchedule(policy.properties)}; keeps ${describeRetention(policy.properties)}\n`);
    });

  withTarget(command.command('list'))
    .description('list the policies of a vault')
    .addHelpText('after', '\nExample:\n  arca policy list --vault vault1\n')
    .action(async function (this: Command) {
      const session = await openSession(this);
      const policies = await session.api.listPolicies(await session.vault());
      if (session.out.format === 'json') return printJson(session.out, policies);
      session.out.write(
        formatTable(
          ['NAME', 'TYPE', 'SCHEDULE', 'INSTANT DAYS', 'ITEMS', 'RETENTION'],
          policies.map((p) => {
            const props = p.properties as Props;
            return [p.name, String(props.policyType ?? ''), describeSchedule(props), String(props.instantRpRetentionRangeInDays ?? ''), String(props.protectedItemsCount ?? 0), describeRetention(props)];
          }),
        ),
      );
    });

  withTarget(command.command('show'))
    .description('show one policy')
    .argument('<policy>', 'the policy')
    .addHelpText('after', '\nExample:\n  arca policy show daily-30 -o json\n')
    .action(async function (this: Command, name: string) {
      const session = await openSession(this);
      const policy = await session.api.getPolicy(await session.vault(), name);
      if (session.out.format === 'json') return printJson(session.out, policy);
      const props = policy.properties as Props;
      session.out.write(keyValues([
        ['name', policy.name],
        ['type', `${String(props.backupManagementType ?? '')} ${String(props.policyType ?? '')}`],
        ['schedule', describeSchedule(props)],
        ['retention', describeRetention(props)],
        ['instant restore', `${String(props.instantRpRetentionRangeInDays ?? '')} days`],
        ['protected items', String(props.protectedItemsCount ?? 0)],
        ['id', policy.id],
      ]));
    });

  withTarget(command.command('delete'))
    .description('delete a policy (refused while machines use it)')
    .argument('<policy>', 'the policy')
    .addHelpText('after', '\nExample:\n  arca policy delete old-policy --vault vault1\n')
    .action(async function (this: Command, name: string) {
      const session = await openSession(this);
      const vault = await session.vault();
      await session.api.deletePolicy(vault, name);
      if (session.out.format === 'json') return printJson(session.out, { deleted: name, vault: vault.name });
      session.out.write(`policy ${name}: deleted\n`);
    });

  return command;
}

import { Command, Option } from 'commander';
import type { Check } from '../../../agent/doctor/check.ts';
import { machineContext, pathsUnder, type MachineContext } from '../../../agent/doctor/machine-context.ts';
import { MACHINE_CHECKS } from '../../../agent/doctor/machine-checks.ts';
import { runChecks, type RunOutcome } from '../../../agent/doctor/run-checks.ts';
import { writeSupportBundle } from '../../../agent/doctor/support-bundle.ts';
import { directApi } from '../../../client/doctor-api.ts';
import { invalidArgument, type Language } from '../../../core/errors/index.ts';
import { systemClock } from '../../../platform/system-clock.ts';
import { ARCA_VERSION } from '../../../platform/version.ts';
import { openSession } from '../../context/session.ts';
import { EXIT_CODES } from '../../exit-codes.ts';
import { outputContext, printJson } from '../../output.ts';
import { applyFixes } from './apply-fixes.ts';
import { renderReport, summarize, type DoctorReport, type FixReport } from './render.ts';
import { VAULT_CHECKS, type VaultContext } from './vault-checks.ts';

interface DoctorOptions {
  config?: string;
  vm?: string;
  resourceGroup?: string;
  vault?: string;
  vmResourceGroup?: string;
  server?: string;
  ca?: string;
  tokenFile?: string;
  subscription?: string;
  fix?: boolean;
  yes?: boolean;
  collectLogs?: boolean;
  out?: string;
  procDir?: string;
  sysDir?: string;
  rebootRequiredFile?: string;
  machineRoot?: string;
}

const monotonic = () => performance.now();

/** One run of a checklist, then the fixes and a second run to show what they changed. */
async function checkAndFix<C>(checks: readonly Check<C>[], context: () => Promise<C>, language: Language, opts: DoctorOptions): Promise<{ outcome: RunOutcome; fixes?: FixReport[] }> {
  const first = await runChecks(checks, await context(), { language, monotonic });
  if (!opts.fix) return { outcome: first };
  const fixes = await applyFixes(first, opts.yes === true, language);
  if (!fixes.some((f) => f.outcome === 'applied')) return { outcome: first, fixes };
  return { outcome: await runChecks(checks, await context(), { language, monotonic }), fixes };
}

function machine(opts: DoctorOptions): () => Promise<MachineContext> {
  const paths = {
    ...(opts.machineRoot ? pathsUnder(opts.machineRoot) : {}),
    ...(opts.procDir ? { procDir: opts.procDir } : {}),
    ...(opts.sysDir ? { sysDir: opts.sysDir } : {}),
    ...(opts.rebootRequiredFile ? { rebootRequired: opts.rebootRequiredFile } : {}),
  };
  return () => machineContext({ ...(opts.config ? { configPath: opts.config } : {}), paths, clock: systemClock, agentVersion: ARCA_VERSION });
}

async function vaultSide(command: Command, opts: DoctorOptions & { vm: string }, language: Language): Promise<() => Promise<VaultContext>> {
  let api;
  let vault;
  if (opts.server) {
    if (!opts.ca || !opts.tokenFile) throw invalidArgument('--server', 'give --ca and --token-file with it');
    if (!opts.vault || !opts.resourceGroup) throw invalidArgument('--vault', 'give --vault and --resource-group with --server');
    api = await directApi({ server: opts.server, caFile: opts.ca, tokenFile: opts.tokenFile, language, ...(opts.subscription ? { subscriptionId: opts.subscription } : {}) });
    vault = { name: opts.vault, resourceGroup: opts.resourceGroup };
  } else {
    const session = await openSession(command);
    api = session.api;
    vault = await session.vault();
  }
  const vmGroup = opts.vmResourceGroup ?? opts.resourceGroup;
  const resource = await api.getVm(vmGroup ?? vault.resourceGroup, opts.vm);
  const vm = { resourceGroup: vmGroup ?? vault.resourceGroup, name: resource.name, resource };
  return async () => ({ api, vault, vm, now: systemClock.now() });
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description("walk the troubleshooting checklist: on the machine (next to the agent) or, with --vm, from the vault; each check PASS, WARN or FAIL with the code it would cause and the steps to fix it")
    .option('--config <file>', 'agent configuration (default /etc/arca/agent.conf)')
    .option('--vm <name>', 'check this VM from the vault instead of this machine')
    .option('--vault <name>', "the vault (with --vm; default: the context's)")
    .option('--resource-group <name>', "the vault's resource group (and the VM's, unless --vm-resource-group)")
    .option('--vm-resource-group <name>', "the VM's resource group when it differs from the vault's")
    .option('--context <name>', 'the saved context to use (default: ARCA_CONTEXT, then the current one)')
    .option('--server <url>', 'the vault, without a saved context (with --ca and --token-file)')
    .option('--ca <file>', "the vault's CA certificate (PEM)")
    .option('--token-file <file>', 'a file holding a bearer token')
    .option('--subscription <id>', 'the subscription (default: the token\'s own)')
    .option('--fix', 'apply the safe fixes, say what was done, and check again')
    .option('--yes', 'allow the fixes that change more (a backup to clean up restore points) without asking')
    .option('--collect-logs', 'write a support bundle (tar.gz, mode 0600): logs, status, settings, handler state, the config with secrets removed, these results, versions')
    .option('--out <file>', 'where the bundle goes (default ./arca-support-<time>.tar.gz)')
    .addOption(new Option('--proc-dir <dir>', 'read /proc from here (tests)').hideHelp())
    .addOption(new Option('--sys-dir <dir>', 'read /sys from here (tests)').hideHelp())
    .addOption(new Option('--reboot-required-file <file>', 'the reboot marker (tests)').hideHelp())
    .addOption(new Option('--machine-root <dir>', 'read /etc, /var and /run files (updates, DHCP, systemd) from here (tests)').hideHelp())
    .addHelpText('after', `
Examples:
  sudo arca doctor                                  # on the machine, next to the agent
  sudo arca doctor --fix                            # apply the safe fixes, then check again
  sudo arca doctor --collect-logs --out /tmp/arca-support.tar.gz
  arca doctor --vm db-1 --vault vault-1 --resource-group app-rg -o json
  arca doctor --vm db-1 --vault vault-1 --resource-group app-rg --server https://vault:8443 --ca ca.pem --token-file token --fix --yes`)
    .action(async function (this: Command, opts: DoctorOptions) {
      const out = outputContext(this);
      const started = monotonic();
      const vaultMode = opts.vm !== undefined;
      const context = vaultMode ? await vaultSide(this, opts as DoctorOptions & { vm: string }, out.language) : machine(opts);
      const { outcome, fixes } = await checkAndFix<MachineContext | VaultContext>(
        (vaultMode ? VAULT_CHECKS : MACHINE_CHECKS) as readonly Check<MachineContext | VaultContext>[],
        context as () => Promise<MachineContext | VaultContext>,
        out.language,
        opts,
      );
      const config = opts.config ?? '/etc/arca/agent.conf';
      const target = out.language === 'es'
        ? vaultMode ? `VM ${opts.vm} desde el almacén ${opts.vault ?? ''}`.trim() : `esta máquina (${config})`
        : vaultMode ? `VM ${opts.vm} from vault ${opts.vault ?? ''}`.trim() : `this machine (${config})`;
      let report: DoctorReport = { target, summary: summarize(outcome.results), results: outcome.results, ...(fixes ? { fixes } : {}) };
      if (opts.collectLogs) {
        const path = opts.out ?? `arca-support-${systemClock.now().toISOString().replace(/[:.]/g, '')}.tar.gz`;
        const bundle = await writeSupportBundle((await machine(opts)()), { ...report, durationMs: Math.round(monotonic() - started) }, path);
        report = { ...report, bundle: path };
        if (out.format === 'json') report = { ...report, bundleFiles: bundle.files } as DoctorReport;
      }
      if (report.summary.FAIL > 0) process.exitCode = EXIT_CODES.failure;
      if (out.format === 'json') return printJson(out, { ...report, durationMs: Math.round(monotonic() - started) });
      out.write(renderReport(report, !opts.fix, out.language));
    });
}

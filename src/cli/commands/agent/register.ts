import { Command } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { loadAgentConfig, requireValidConfig } from '../../../agent/config/load-agent-config.ts';
import { systemClock } from '../../../platform/system-clock.ts';
import { ARCA_VERSION } from '../../../platform/version.ts';
import { outputContext, printJson } from '../../output.ts';

interface RegisterOptions {
  config?: string;
  vault?: string;
  token: string;
  machineId: string;
  caFingerprint?: string;
  force?: boolean;
}

/** `arca agent register`: redeems a one-time token for this machine's credentials, pinning the vault's CA. */
export function registerCommand(): Command {
  return new Command('register')
    .description("register this machine with a vault: pin the vault's CA, redeem the one-time token, report the machine's OS and disks")
    .option('--config <file>', 'configuration file (default /etc/arca/agent.conf)')
    .option('--vault <url>', 'the vault endpoint, https://host:port (default: Vault.Url of the configuration)')
    .requiredOption('--token <token>', 'the one-time registration token (POST /arca/registrationTokens)')
    .requiredOption('--machine-id <id>', "the VM's vmId the token was created for")
    .option('--ca-fingerprint <sha256>', "SHA-256 fingerprint of the vault's CA, given with the token: the CA is fetched and trusted only if it matches")
    .option('--force', 'register again, replacing the credentials of an earlier registration')
    .addHelpText('after', '\nExample:\n  sudo arca agent register --vault https://vault.example:8443 --machine-id 3f0c… --token arca_reg_… --ca-fingerprint AB:CD:…\n')
    .action(async function (this: Command, opts: RegisterOptions) {
      const out = outputContext(this);
      const { config } = requireValidConfig(await loadAgentConfig(opts.config));
      const vaultUrl = opts.vault ?? config.vaultUrl;
      if (vaultUrl === undefined) throw invalidArgument('--vault', 'name the vault endpoint, or set Vault.Url in the configuration');
      let url: URL;
      try {
        url = new URL(vaultUrl);
      } catch {
        throw invalidArgument('--vault', `"${vaultUrl}" is not a URL`);
      }
      if (url.protocol !== 'https:') throw invalidArgument('--vault', 'the agent speaks to the vault over https:// only');
      // Loaded on demand: the TLS and HTTPS stack is for this command only.
      const { registerMachine } = await import('../../../agent/registration/register.ts');
      const registered = await registerMachine(
        config,
        { vaultUrl: url.origin, registrationToken: opts.token, machineId: opts.machineId, force: opts.force === true, ...(opts.caFingerprint ? { caFingerprint: opts.caFingerprint } : {}) },
        { clock: systemClock, version: ARCA_VERSION },
      );
      const { credentials, disks, os } = registered;
      if (out.format === 'json') {
        const { agentToken: _secret, ...shown } = credentials;
        return printJson(out, { ...shown, libDir: config.libDir, os, disks });
      }
      out.write(
        [
          `Registered machine ${credentials.machineId} with ${credentials.vaultUrl} as ${credentials.vmResourceId}`,
          `  operating system: ${os.name} (kernel ${os.kernel}, ${os.architecture})`,
          ...disks.map((d) => `  disk ${d.name}: ${d.path}, ${d.sizeBytes} bytes, ${d.kind === 'block' ? 'block device' : 'image file'}${d.encrypted ? ', LUKS-encrypted' : ''}`),
          `  credentials:      ${config.libDir} (readable by this user only)${registered.caPinned ? `; CA pinned, SHA-256 ${credentials.caFingerprint}` : ''}`,
          '  next:             sudo systemctl enable --now arca-agent',
          '',
        ].join('\n'),
      );
    });
}

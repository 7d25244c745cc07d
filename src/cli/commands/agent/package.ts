import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import { AgentPackageApi } from '../../../client/agent-package-api.ts';
import { ArcaError, invalidArgument } from '../../../core/errors/index.ts';
import { AGENT_PACKAGE_LIMITS, checkAgentPackage, requireAgentVersion } from '../../../platform/agent-package.ts';
import { readTarGz } from '../../../platform/tar-read.ts';
import { openSession, withTarget } from '../../context/session.ts';
import { formatTable, printJson } from '../../output.ts';
import { keyValues } from '../../render/key-values.ts';

/** The version its package.json names; undefined when the archive or its package.json cannot be read (the full check then says why). */
function versionInside(archive: Uint8Array): string | undefined {
  try {
    const manifest = readTarGz(archive, AGENT_PACKAGE_LIMITS).find((e) => e.type === 'file' && e.path === 'package.json');
    const version = manifest ? (JSON.parse(manifest.data.toString('utf8')) as { version?: unknown }).version : undefined;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a package file and checks it as the vault will (version, entries, package.json, size), so
 * that a wrong file is refused here with the same code, before anything is uploaded.
 */
async function readPackage(file: string, given: string | undefined): Promise<{ version: string; archive: Buffer }> {
  if (given !== undefined) requireAgentVersion(given);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (error) {
    throw invalidArgument('FILE', `cannot read ${file}: ${(error as Error).message}`);
  }
  const label = given ?? basename(file);
  if (size > AGENT_PACKAGE_LIMITS.maxPackedBytes) throw new ArcaError('AgentPackageTooLarge', { version: label, limit: AGENT_PACKAGE_LIMITS.maxPackedBytes, what: 'packed' });
  const archive = await readFile(file);
  const version = given ?? versionInside(archive);
  if (version === undefined) throw new ArcaError('AgentPackageInvalid', { version: label, reason: 'no version can be read from its package.json (it may not be a gzip\'d tar); give --agent-version to see why' });
  checkAgentPackage(archive, version);
  return { version, archive };
}

/** `arca agent package list|publish`: the agent packages the vault offers for agent updates (ADR 7); Owners only. */
export function packageCommand(): Command {
  const command = new Command('package').alias('packages').description('agent packages the vault offers for agent updates (Owner only; run where you operate the vault)');

  withTarget(command.command('list'), { vault: false })
    .description('list the agent packages the vault offers, newest first, and the oldest agent version it supports')
    .addHelpText('after', '\nExamples:\n  arca agent package list\n  arca agent package list -o json\n')
    .action(async function (this: Command) {
      const session = await openSession(this);
      const listed = await new AgentPackageApi(session.api.arm).list();
      if (session.out.format === 'json') return printJson(session.out, listed);
      session.out.write(formatTable(['VERSION', 'SIZE', 'PUBLISHED', 'SHA-256'], listed.value.map((p) => [p.version, String(p.sizeBytes), p.published, p.sha256])));
      session.out.write(`newest: ${listed.newest ?? '-'}; agents older than ${listed.minimumAgentVersion ?? '-'} are out of date\n`);
    });

  withTarget(command.command('publish'), { vault: false })
    .description('publish an agent package (a .tar.gz of package.json, bin/ and src/ of that version); a published version never changes')
    .argument('<file>', 'the package: tar -czf arca-agent-VERSION.tar.gz package.json bin src, in the installation folder')
    // Not `--version`: the root's `arca --version` answers that flag wherever it stands.
    .option('--agent-version <version>', "the version to publish it as, which must be the one its package.json says (default: that one)")
    .addHelpText('after', '\nExample:\n  tar -czf arca-agent-0.2.0.tar.gz package.json bin src     # in the installation folder\n  arca agent package publish arca-agent-0.2.0.tar.gz --agent-version 0.2.0\n')
    .action(async function (this: Command, file: string, opts: { agentVersion?: string }) {
      const { version, archive } = await readPackage(file, opts.agentVersion);
      const session = await openSession(this);
      const { info, created } = await new AgentPackageApi(session.api.arm).publish(version, archive);
      if (session.out.format === 'json') return printJson(session.out, { ...info, created });
      session.out.write(
        keyValues([
          ['version', info.version],
          ['sha256', info.sha256],
          ['size', `${info.sizeBytes} bytes`],
          ['published', `${info.published}${created ? '' : ' (already published with these contents: nothing changed)'}`],
        ]) + 'Agents with AutoUpdate.Enabled=y update to the newest version at their next goal-state pull.\n',
      );
    });

  return command;
}

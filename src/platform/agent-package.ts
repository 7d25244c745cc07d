import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ArcaError } from '../core/errors/index.ts';
import { isAgentVersion } from '../core/versions/agent-version.ts';
import { tarGzOfFiles } from './tar-gz.ts';
import { readTarGz, UnreadableTar, UnsafeTarEntry, type TarEntry } from './tar-read.ts';

/**
 * Agent packages (ADR 7): a gzip'd tar of an installation of `arca` without its dependencies —
 * package.json, bin/ and src/ — named `arca-agent-<version>.tar.gz`. The vault checks one when it
 * is published; the agent checks it again before it unpacks it into its own version folder.
 */
export const AGENT_PACKAGE_LIMITS = { maxPackedBytes: 64 * 1024 * 1024, maxUnpackedBytes: 256 * 1024 * 1024, maxEntries: 20_000 } as const;

export const packageFileName = (version: string): string => `arca-agent-${version}.tar.gz`;

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function requireAgentVersion(version: string): string {
  if (!isAgentVersion(version)) throw new ArcaError('AgentPackageVersionInvalid', { version: version.slice(0, 60) });
  return version;
}

export interface CheckedPackage {
  readonly version: string;
  readonly entries: readonly TarEntry[];
  /** package.json's `dependencies`, for the agent's node_modules check. */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** Reads and checks an agent package: safe entries, package.json of that version, bin/arca.js, no node_modules. */
export function checkAgentPackage(archive: Uint8Array, version: string): CheckedPackage {
  requireAgentVersion(version);
  const invalid = (reason: string) => new ArcaError('AgentPackageInvalid', { version, reason });
  if (archive.byteLength > AGENT_PACKAGE_LIMITS.maxPackedBytes) throw new ArcaError('AgentPackageTooLarge', { version, limit: AGENT_PACKAGE_LIMITS.maxPackedBytes, what: 'packed' });
  let entries: TarEntry[];
  try {
    entries = readTarGz(archive, AGENT_PACKAGE_LIMITS);
  } catch (error) {
    if (error instanceof UnsafeTarEntry) throw new ArcaError('AgentPackageEntryUnsafe', { version, entry: error.entry.slice(0, 200), reason: error.reason });
    if (error instanceof UnreadableTar) {
      if (/unpacks to more than/.test(error.message)) throw new ArcaError('AgentPackageTooLarge', { version, limit: AGENT_PACKAGE_LIMITS.maxUnpackedBytes, what: 'unpacked' });
      throw invalid(error.message);
    }
    throw error;
  }
  const files = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.path, e]));
  if (new Set(entries.map((e) => e.path)).size !== entries.length) throw invalid('it holds one path twice');
  const modules = entries.find((e) => e.path === 'node_modules' || e.path.startsWith('node_modules/'));
  if (modules) throw invalid('it holds node_modules; dependencies stay on the machine');
  const manifest = files.get('package.json');
  if (!manifest) throw invalid('it has no package.json at its top');
  if (!files.has('bin/arca.js')) throw invalid('it has no bin/arca.js');
  let parsed: { name?: unknown; version?: unknown; dependencies?: unknown };
  try {
    parsed = JSON.parse(manifest.data.toString('utf8')) as typeof parsed;
  } catch {
    throw invalid('its package.json is not JSON');
  }
  if (parsed.name !== 'arca') throw invalid(`its package.json names "${String(parsed.name).slice(0, 40)}", not arca`);
  if (parsed.version !== version) throw invalid(`its package.json says version ${String(parsed.version).slice(0, 40)}`);
  const dependencies = typeof parsed.dependencies === 'object' && parsed.dependencies !== null ? (parsed.dependencies as Record<string, string>) : {};
  return { version, entries, dependencies };
}

/**
 * Writes a checked package's entries under `dir` (which must not hold anything yet): regular files
 * and folders only, modes without set-id bits, every path checked again to stay inside `dir`.
 */
export async function unpackAgentPackage(checked: CheckedPackage, dir: string): Promise<void> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o755 });
  for (const entry of checked.entries) {
    const target = resolve(root, entry.path);
    if (!target.startsWith(root + sep)) throw new ArcaError('AgentPackageEntryUnsafe', { version: checked.version, entry: entry.path, reason: 'would be written outside its version folder' });
    if (entry.type === 'dir') {
      await mkdir(target, { recursive: true, mode: 0o755 });
      continue;
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    // 'wx': never through an existing file or link.
    await writeFile(target, entry.data, { flag: 'wx', mode: entry.mode & 0o755 });
    await chmod(target, (entry.mode & 0o755) | 0o400);
  }
}

/** The installation folder this code runs from: the folder of package.json, two levels above this file. */
export const INSTALLATION_ROOT = resolve(import.meta.dirname, '..', '..');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && !e.name.endsWith('.test.ts')).map((e) => join(e.parentPath, e.name));
}

/** The agent package of an installation: package.json, bin/ and src/ without tests; never node_modules. */
export async function buildAgentPackage(root: string = INSTALLATION_ROOT): Promise<{ version: string; archive: Buffer }> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const files = [join(root, 'package.json'), ...(await filesUnder(join(root, 'bin'))), ...(await filesUnder(join(root, 'src')))].toSorted();
  return { version: requireAgentVersion(manifest.version), archive: await tarGzOfFiles(root, files) };
}

/** `dependencies` of the installation's package.json. */
export async function installedDependencies(root: string = INSTALLATION_ROOT): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return manifest.dependencies ?? {};
}

/** How two dependency lists differ, in a few words; undefined when they are the same. */
export function dependencyDifference(installed: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): string | undefined {
  const names = [...new Set([...Object.keys(installed), ...Object.keys(wanted)])].toSorted();
  const changes = names.filter((name) => installed[name] !== wanted[name]).map((name) => `${name} ${installed[name] ?? 'absent'} → ${wanted[name] ?? 'absent'}`);
  return changes.length === 0 ? undefined : changes.slice(0, 5).join(', ');
}

import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildAgentPackage } from '../../src/platform/agent-package.ts';
import { ARCA_VERSION } from '../../src/platform/version.ts';

const REPO = resolve(import.meta.dirname, '..', '..');

/** This tree's version with its patch raised by `by`: a "newer agent" for the vault to publish. */
export function newerVersion(by = 1): string {
  const [major, minor, patch] = ARCA_VERSION.split('-')[0]?.split('.').map(Number) ?? [0, 0, 0];
  return `${major}.${minor}.${(patch ?? 0) + by}`;
}

/**
 * This tree as an agent package of `version`: its package.json with the version changed, its src/,
 * and its bin/ — or, with `arcaJs`, a bin/arca.js of that text (an agent that fails at start).
 */
export async function packageOfThisTree(dir: string, version: string, options: { readonly arcaJs?: string } = {}): Promise<Buffer> {
  const root = join(dir, `tree-${version}`);
  await mkdir(root, { recursive: true });
  const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
  await writeFile(join(root, 'package.json'), JSON.stringify({ ...manifest, version }, null, 2));
  if (options.arcaJs === undefined) await symlink(join(REPO, 'bin'), join(root, 'bin'));
  else {
    await mkdir(join(root, 'bin'));
    await writeFile(join(root, 'bin', 'arca.js'), options.arcaJs);
  }
  await symlink(join(REPO, 'src'), join(root, 'src'));
  const built = await buildAgentPackage(root);
  assert.equal(built.version, version);
  return built.archive;
}

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

/**
 * STYLE.md's layout as data: which top-level folders of src/ each folder may import. Files directly
 * in src/ (the composition root, main.ts) may import anything.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  protocol: ['core', 'protocol'],
  platform: ['core', 'platform'],
  storage: ['core', 'platform', 'storage'],
  server: ['core', 'protocol', 'platform', 'storage', 'server'],
  agent: ['core', 'protocol', 'platform', 'storage', 'agent'],
  extensions: ['core', 'protocol', 'platform', 'storage', 'extensions'],
  client: ['core', 'protocol', 'platform', 'client'],
  cli: ['core', 'protocol', 'platform', 'storage', 'client', 'agent', 'cli'],
  web: ['core', 'client', 'web'],
};

const SRC = resolve(import.meta.dirname, '..', 'src');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

export function importsOf(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...withoutComments.matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

function layerOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? '(root)' : (parts[0] as string);
}

/** One message per import that points the wrong way; empty when the file obeys the layout. */
export function violations(file: string, source: string): string[] {
  const from = layerOf(file);
  const isTest = file.endsWith('.test.ts');
  const found: string[] = [];
  for (const specifier of importsOf(source)) {
    const where = `${relative(SRC, file)} imports ${specifier}`;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(SRC + sep)) {
        if (!(from === 'platform' && specifier.endsWith('package.json'))) found.push(`${where}: outside src/`);
        continue;
      }
      if (!specifier.endsWith('.ts') && !specifier.endsWith('.json')) found.push(`${where}: relative imports name the .ts file`);
      const to = layerOf(target);
      if (from !== '(root)' && !(ALLOWED[from] ?? []).includes(to)) found.push(`${where}: ${from} must not depend on ${to}`);
    } else if (from === 'core' && !isTest) {
      found.push(`${where}: core is pure and imports no modules, built-in or installed`);
    }
  }
  if (from === 'core' && !isTest) {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    if (/\bDate\.now\s*\(|\bnew Date\(\s*\)|\bMath\.random\s*\(|\bprocess\./.test(code)) {
      found.push(`${relative(SRC, file)}: core reads no clock, randomness or process state`);
    }
  }
  if (!(from in ALLOWED) && from !== '(root)') found.push(`${relative(SRC, file)}: src/${from} is not a known layer`);
  return found;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('architecture', () => {
  it('every import in src/ points the way STYLE.md allows', async () => {
    const files = await sourceFiles(SRC);
    assert.ok(files.length > 10, 'found the sources');
    const problems: string[] = [];
    for (const file of files) problems.push(...violations(file, await readFile(file, 'utf8')));
    assert.deepEqual(problems, []);
  });

  const cases: { name: string; file: string; source: string; expect: RegExp | null }[] = [
    { name: 'core importing node:fs is refused', file: 'core/x.ts', source: "import { readFile } from 'node:fs';", expect: /core is pure/ },
    { name: 'core importing the server is refused', file: 'core/x.ts', source: "import { buildApp } from '../server/app.ts';", expect: /core must not depend on server/ },
    { name: 'server importing the agent is refused', file: 'server/a/b.ts', source: "export { x } from '../../agent/y.ts';", expect: /server must not depend on agent/ },
    { name: 'the CLI importing the server is refused, even lazily', file: 'cli/x.ts', source: "const m = await import('../server/main.ts');", expect: /cli must not depend on server/ },
    { name: 'core reading the clock is refused', file: 'core/x.ts', source: 'export const t = Date.now();', expect: /no clock/ },
    { name: 'a relative import without its extension is refused', file: 'server/x.ts', source: "import type { A } from './a';", expect: /name the \.ts file/ },
    { name: 'the composition root may import anything', file: 'main.ts', source: "import { s } from './server/command.ts';\nimport { c } from './cli/program.ts';", expect: null },
    { name: 'the server may import core and packages', file: 'server/x.ts', source: "import Fastify from 'fastify';\nimport { ArcaError } from '../core/errors/index.ts';", expect: null },
    { name: 'an import inside a comment is ignored', file: 'core/x.ts', source: "// import { x } from 'node:fs';\nexport const a = 1;", expect: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = violations(join(SRC, c.file), c.source);
      if (c.expect === null) assert.deepEqual(found, []);
      else assert.ok(found.some((f) => c.expect?.test(f)), `expected ${c.expect} in ${JSON.stringify(found)}`);
    });
  }
});

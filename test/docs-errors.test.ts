import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { syncDocs } from '../src/cli/commands/errors.ts';
import { CATALOG } from '../src/core/errors/index.ts';

const DOCS = resolve(import.meta.dirname, '..', 'docs', 'errors');

describe('generated error pages', () => {
  it('docs/errors has a current page for every code in both languages (run `npm run docs:errors` to fix)', async () => {
    assert.deepEqual(await syncDocs(DOCS, true), []);
  });

  it('the check notices a stale page, a missing page and a page for a code that no longer exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-docs-'));
    try {
      assert.deepEqual(await syncDocs(dir, false), []);
      const [first, second] = CATALOG;
      assert.ok(first && second);
      const firstPage = join(dir, 'es', `${first.code}.md`);
      assert.match(await readFile(firstPage, 'utf8'), new RegExp(first.es.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await writeFile(firstPage, 'edited by hand\n');
      await rm(join(dir, 'en', `${second.code}.md`));
      await writeFile(join(dir, 'en', 'RetiredCode.md'), '# gone\n');
      assert.deepEqual((await syncDocs(dir, true)).toSorted(), [
        `missing: en/${second.code}.md`,
        'not in the catalog: en/RetiredCode.md',
        `out of date: es/${first.code}.md`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

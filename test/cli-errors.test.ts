import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runArca } from './support/arca-process.ts';

describe('arca errors (the real binary)', () => {
  it('lists the whole catalog as JSON with the fields scripts rely on', async () => {
    const result = await runArca(['errors', 'list', '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const entries = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.ok(entries.length >= 60, `only ${entries.length} codes`);
    for (const entry of entries) {
      for (const key of ['code', 'numericCode', 'httpStatus', 'retryable', 'phase']) assert.ok(key in entry, `${String(entry.code)} lacks ${key}`);
      for (const language of ['en', 'es']) {
        const text = entry[language] as Record<string, unknown>;
        assert.equal(typeof text.title, 'string');
        assert.equal(typeof text.message, 'string');
        assert.ok(Array.isArray(text.recommendations) && text.recommendations.length > 0);
      }
    }
    assert.ok(entries.some((e) => e.code === 'UserErrorRpCollectionLimitReached'));
  });

  it('lists one phase as a table', async () => {
    const result = await runArca(['errors', 'list', '--phase', 'restore']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^CODE\s+NUMERIC\s+HTTP\s+RETRY\s+PHASE\s+TITLE/);
    const rows = result.stdout.trim().split('\n').slice(2);
    assert.ok(rows.length > 5);
    for (const row of rows) assert.match(row, /\srestore\s/);
  });

  it('shows a code in Spanish with --lang es', async () => {
    const result = await runArca(['errors', 'show', 'UserErrorRpCollectionLimitReached', '--lang', 'es']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^UserErrorRpCollectionLimitReached: /);
    assert.match(result.stdout, /Pasos recomendados:/);
    assert.match(result.stdout, /\n {4}1\. /);
    assert.match(result.stdout, /puntos de restauración/i);
  });

  it('takes the language from the locale when --lang is absent', async () => {
    const result = await runArca(['errors', 'show', 'userErrorFsFreezeFailed'], { LANG: 'es_ES.UTF-8' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^UserErrorFsFreezeFailed: /);
    assert.match(result.stdout, /Pasos recomendados:/);
  });

  it('shows one code as JSON in the chosen language with both texts', async () => {
    const result = await runArca(['errors', 'show', 'BCMV2VMNotFound', '-o', 'json', '--lang', 'es']);
    assert.equal(result.code, 0, result.stderr);
    const shown = JSON.parse(result.stdout) as { numericCode: number; language: string; title: string; es: { title: string }; en: { title: string } };
    assert.equal(shown.numericCode, 400094);
    assert.equal(shown.language, 'es');
    assert.equal(shown.title, shown.es.title);
    assert.notEqual(shown.en.title, shown.es.title);
  });

  it('refuses an unknown code with its own catalog code and exit code 3', async () => {
    const result = await runArca(['errors', 'show', 'NoSuchCode']);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /error UserErrorUnknownErrorCode \(770909\)/);
    assert.match(result.stderr, /NoSuchCode/);
    assert.match(result.stderr, /1\. /);
  });

  it('refuses an unknown output format as a usage error', async () => {
    const result = await runArca(['errors', 'list', '-o', 'yaml']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /yaml/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult } from '../../../agent/doctor/run-checks.ts';
import { renderReport, SCREEN_ROWS, summarize } from './render.ts';

const result = (id: string, status: CheckResult['status'], steps = 0): CheckResult => ({
  id,
  title: `title of ${id}`,
  status,
  detail: `what ${id} saw`,
  durationMs: 1,
  ...(steps > 0 ? { code: 'UserErrorFsFreezeFailed', numericCode: 770300, message: `message of ${id}`, steps: Array.from({ length: steps }, (_, i) => `step ${i + 1} of ${id}`) } : {}),
});

describe('the human doctor report', () => {
  it('a machine with 30 findings fits the screen: the worst come first with their steps, the rest are counted', () => {
    const results = [...Array.from({ length: 12 }, (_, i) => result(`fail.${i}`, 'FAIL', 4)), ...Array.from({ length: 12 }, (_, i) => result(`warn.${i}`, 'WARN', 3)), ...Array.from({ length: 6 }, (_, i) => result(`pass.${i}`, 'PASS'))];
    const text = renderReport({ target: 'this machine', summary: summarize(results), results }, true, 'en');
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.length <= SCREEN_ROWS, `${lines.length} lines`);
    assert.equal(lines[0], 'arca doctor: this machine: 12 FAIL, 12 WARN, 6 PASS');
    assert.equal(lines[2], 'FAIL UserErrorFsFreezeFailed (770300): title of fail.0');
    assert.match(text, /1\. step 1 of fail\.0/, 'the worst finding has its steps');
    assert.match(text, /… \d+ more finding\(s\) not shown: arca doctor -o json lists them all/);
    assert.match(lines.at(-1) ?? '', /^PASS: title of pass\.0; /);
    const shown = lines.filter((l) => /^(FAIL|WARN) /.test(l));
    assert.ok(shown.length >= 5, `${shown.length} findings shown`);
  });

  it('speaks Spanish with es', () => {
    const results = [result('a', 'FAIL', 2)];
    const text = renderReport({ target: 'esta máquina', summary: summarize(results), results, fixes: [{ id: 'a', description: 'd', outcome: 'applied', message: 'hecho' }], bundle: '/tmp/b.tar.gz' }, false, 'es');
    assert.match(text, /corrección aplicada: hecho/);
    assert.match(text, /paquete de soporte: \/tmp\/b\.tar\.gz/);
  });

  it('offers a fix in the words the results carry, and says in Spanish that a destructive one asks first', () => {
    const results = [{ ...result('a', 'FAIL', 1), fix: { description: 'iniciar ahora una copia de seguridad de db-1', destructive: true } }];
    const text = renderReport({ target: 'esta máquina', summary: summarize(results), results }, true, 'es');
    assert.match(text, /\n {6}--fix: iniciar ahora una copia de seguridad de db-1 \(pregunta antes, o --yes\)\n/);
  });
});

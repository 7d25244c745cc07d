import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fix } from '../../../agent/doctor/check.ts';
import type { CheckResult, RunOutcome } from '../../../agent/doctor/run-checks.ts';
import { applyFixes } from './apply-fixes.ts';

const result = (id: string, status: CheckResult['status']): CheckResult => ({ id, title: id, status, detail: '', durationMs: 0 });

/** Three findings with fixes: one applies, one throws, one is destructive (skipped: stdin is not a terminal here). */
function outcome(applied: string[]): RunOutcome {
  const fine: Fix = { description: { en: 'restart the agent', es: 'reiniciar el agente' }, destructive: false, apply: async () => (applied.push('fine'), { en: 'restarted', es: 'reiniciado' }) };
  const broken: Fix = { description: { en: 'set the option', es: 'poner la opción' }, destructive: false, apply: async () => Promise.reject(new Error('EACCES: /etc/arca/agent.conf')) };
  const risky: Fix = { description: { en: 'trigger a backup', es: 'iniciar una copia de seguridad' }, destructive: true, apply: async () => (applied.push('risky'), { en: 'started', es: 'iniciada' }) };
  return {
    results: [result('a', 'FAIL'), result('b', 'FAIL'), result('c', 'FAIL'), result('a2', 'WARN'), result('p', 'PASS')],
    fixes: new Map([[0, fine], [1, broken], [2, risky], [3, fine], [4, risky]]),
  };
}

describe('applying the doctor fixes', () => {
  it('reports in Spanish with es: what each fix did, why one failed, and how to allow the one it skipped', async () => {
    const applied: string[] = [];
    const reports = await applyFixes(outcome(applied), false, 'es');
    assert.deepEqual(reports, [
      { id: 'a', description: 'reiniciar el agente', outcome: 'applied', message: 'reiniciado' },
      { id: 'b', description: 'poner la opción', outcome: 'failed', message: 'no se pudo poner la opción: EACCES: /etc/arca/agent.conf' },
      { id: 'c', description: 'iniciar una copia de seguridad', outcome: 'skipped', message: 'no se hizo: iniciar una copia de seguridad (vuelva a ejecutarlo con --yes para permitirlo)' },
    ]);
    assert.deepEqual(applied, ['fine'], 'the same fix offered twice runs once; the destructive one not at all');
  });

  it('reports in English with en, and --yes runs the destructive fix', async () => {
    const applied: string[] = [];
    const reports = await applyFixes(outcome(applied), true, 'en');
    assert.deepEqual(reports.map((r) => [r.outcome, r.message]), [
      ['applied', 'restarted'],
      ['failed', 'could not set the option: EACCES: /etc/arca/agent.conf'],
      ['applied', 'started'],
    ]);
    assert.deepEqual(applied, ['fine', 'risky']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fail, pass, warn, type Check } from './check.ts';
import { runChecks } from './run-checks.ts';

const check = (id: string, run: Check<null>['run'], timeoutMs?: number): Check<null> => ({ id, title: { en: `check ${id}`, es: `comprobación ${id}` }, run, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
const options = { language: 'en' as const, monotonic: () => performance.now() };

describe('running doctor checks', () => {
  it('orders findings worst first, keeping check order within a verdict, and renders codes with their steps', async () => {
    const { results } = await runChecks(
      [
        check('a', async () => pass('fine')),
        check('b', async () => [warn('hmm'), fail('broken', 'UserErrorGuestAgentStatusUnavailable', { vmName: 'db-1' })]),
        check('c', async () => fail('also broken', 'GuestAgentSnapshotTaskStatusError', { vmName: 'db-1' })),
      ],
      null,
      options,
    );
    assert.deepEqual(results.map((r) => `${r.status} ${r.id}`), ['FAIL b', 'FAIL c', 'WARN b', 'PASS a']);
    assert.match(results[0]?.message ?? '', /db-1/);
    assert.ok((results[0]?.steps?.length ?? 0) > 0);
  });

  it('a check that hangs past its timeout is DoctorCheckTimedOut and its signal is aborted; one that throws is a WARN', async () => {
    let aborted = false;
    const hanging = check('slow', (_context, signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = true))), 30);
    const { results } = await runChecks([hanging, check('bad', async () => Promise.reject(new Error('no such file')))], null, options);
    assert.deepEqual(results.map((r) => [r.id, r.status, r.code]), [['slow', 'WARN', 'DoctorCheckTimedOut'], ['bad', 'WARN', undefined]]);
    assert.match(results[1]?.detail ?? '', /the check itself failed: no such file/);
    assert.equal(aborted, true);
  });

  it('hands out each finding\'s fix by the index of its result', async () => {
    const fix = { description: { en: 'repair it', es: 'repararlo' }, destructive: false, apply: async () => ({ en: 'repaired', es: 'reparado' }) };
    const outcome = await runChecks([check('ok', async () => pass('fine')), check('x', async () => fail('broken', 'UserErrorGuestAgentStatusUnavailable', { vmName: 'v' }, fix))], null, options);
    assert.equal(outcome.fixes.get(0), fix);
    assert.deepEqual(outcome.results[0]?.fix, { description: 'repair it', destructive: false });
  });

  it('in Spanish, the fix description and a sentence detail come in Spanish; a bare fact stays as it is', async () => {
    const fix = { description: { en: 'repair it', es: 'repararlo' }, destructive: true, apply: async () => ({ en: 'repaired', es: 'reparado' }) };
    const { results } = await runChecks(
      [check('x', async () => [fail({ en: 'the agent is not running', es: 'el agente no se está ejecutando' }, 'UserErrorGuestAgentStatusUnavailable', { vmName: 'v' }, fix), warn('/var/lib/arca: EACCES')])],
      null,
      { ...options, language: 'es' },
    );
    assert.deepEqual(results.map((r) => [r.detail, r.fix]), [['el agente no se está ejecutando', { description: 'repararlo', destructive: true }], ['/var/lib/arca: EACCES', undefined]]);
    assert.equal(results[0]?.title, 'comprobación x');
  });
});

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AGENT_RESTART_EXIT_CODE, superviseAgent, type AgentTarget, type ChildRun } from './agent-supervisor.ts';
import { readUpdateState, versionDir } from './update-state.ts';

interface Control {
  ready: () => void;
  exit: (code: number | null, signal?: string | null) => void;
  /** What the child does when asked to stop; by default it exits with 0. */
  onStop: () => void;
}
type Script = (run: Control) => void;

/** A child as the unit test plays it: each launch of a version runs the next script given for it. */
function fakeLauncher(scripts: Record<string, Script[]>, launched: string[]) {
  return (target: AgentTarget): ChildRun => {
    launched.push(target.version);
    const ready = Promise.withResolvers<void>();
    const exited = Promise.withResolvers<{ code: number | null; signal: string | null }>();
    const script = scripts[target.version]?.shift();
    const control: Control = { ready: () => ready.resolve(), exit: (code, signal = null) => exited.resolve({ code, signal }), onStop: () => exited.resolve({ code: 0, signal: null }) };
    queueMicrotask(() => script?.(control));
    return { ready: ready.promise, exited: exited.promise, stop: () => control.onStop() };
  };
}

const failStart: Script = (run) => run.exit(1);
const crashAfterReady: Script = (run) => {
  run.ready();
  setImmediate(() => run.exit(1));
};
const silent: Script = () => {};

async function installVersion(libDir: string, version: string): Promise<void> {
  const dir = versionDir(libDir, version);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'arca', version }));
  await writeFile(join(dir, 'bin', 'arca.js'), '');
}

describe('agent supervisor', () => {
  let libDir: string;
  const logged: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const log = {
    debug: () => {},
    info: (msg: string, fields = {}) => logged.push({ level: 'info', msg, fields }),
    warn: (msg: string, fields = {}) => logged.push({ level: 'warn', msg, fields }),
    error: (msg: string, fields = {}) => logged.push({ level: 'error', msg, fields }),
  };
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
  const own = { version: '0.1.0', installation: '/opt/arca' };
  const backoff = { initialMs: 1, maxMs: 2 };

  beforeEach(async () => {
    libDir = await mkdtemp(join(tmpdir(), 'arca-supervisor-'));
    logged.length = 0;
  });
  afterEach(() => rm(libDir, { recursive: true, force: true }));

  it('runs the newest installed version; after three failed starts it sets it aside and falls back to its own', async () => {
    await installVersion(libDir, '0.2.0');
    const launched: string[] = [];
    const controller = new AbortController();
    const launch = fakeLauncher({ '0.2.0': [failStart, failStart, failStart], '0.1.0': [(run) => { run.ready(); controller.abort(); }] }, launched);
    await superviseAgent(controller.signal, { libDir, own, launch, log, clock, backoff });
    assert.deepEqual(launched, ['0.2.0', '0.2.0', '0.2.0', '0.1.0']);
    const state = await readUpdateState(libDir);
    assert.equal(state.setAside['0.2.0']?.failures, 3);
    assert.match(state.setAside['0.2.0']?.reason ?? '', /exited with code 1 before its first status report/);
    const setAside = logged.find((l) => l.msg === 'agent version set aside');
    assert.deepEqual([setAside?.fields.code, setAside?.fields.fallback], ['AgentVersionSetAside', '0.1.0']);
  });

  it('a version that starts once in between is not set aside: only failures in a row count', async () => {
    await installVersion(libDir, '0.2.0');
    const launched: string[] = [];
    const controller = new AbortController();
    const last: Script = (run) => { run.ready(); controller.abort(); };
    const launch = fakeLauncher({ '0.2.0': [failStart, failStart, crashAfterReady, failStart, last] }, launched);
    await superviseAgent(controller.signal, { libDir, own, launch, log, clock, backoff });
    assert.deepEqual(launched, ['0.2.0', '0.2.0', '0.2.0', '0.2.0', '0.2.0']);
    assert.deepEqual((await readUpdateState(libDir)).setAside, {});
  });

  it('a child that exits with the restart code is replaced at once by the version it installed', async () => {
    const launched: string[] = [];
    const controller = new AbortController();
    const launch = fakeLauncher({
      '0.1.0': [(run) => { run.ready(); void installVersion(libDir, '0.3.0').then(() => run.exit(AGENT_RESTART_EXIT_CODE)); }],
      '0.3.0': [(run) => { run.ready(); controller.abort(); }],
    }, launched);
    await superviseAgent(controller.signal, { libDir, own, launch, log, clock, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    assert.deepEqual(launched, ['0.1.0', '0.3.0']);
  });

  it('a downloaded version that never reports is stopped and counts a failed start; its own version is never judged by silence', async () => {
    await installVersion(libDir, '0.2.0');
    const launched: string[] = [];
    const controller = new AbortController();
    const launch = fakeLauncher({ '0.2.0': [silent], '0.1.0': [() => setTimeout(() => controller.abort(), 30)] }, launched);
    await superviseAgent(controller.signal, { libDir, own, launch, log, clock, backoff, maxFailures: 1, readyTimeoutMs: 5 });
    assert.deepEqual(launched, ['0.2.0', '0.1.0'], 'the silent own version ran until stopped');
    assert.match((await readUpdateState(libDir)).setAside['0.2.0']?.reason ?? '', /no status report within/);
  });

  it('stopping the supervisor stops the child and returns once it has exited', async () => {
    const launched: string[] = [];
    const controller = new AbortController();
    let stopped = false;
    const launch = fakeLauncher({ '0.1.0': [(run) => { run.ready(); run.onStop = () => { stopped = true; run.exit(0); }; controller.abort(); }] }, launched);
    await superviseAgent(controller.signal, { libDir, own, launch, log, clock, backoff });
    assert.equal(stopped, true);
    assert.deepEqual(launched, ['0.1.0']);
  });
});

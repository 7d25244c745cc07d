import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';
import { serverCommand } from '../../src/server/command.ts';
import { runArca } from '../support/arca-process.ts';

/** Every command with no subcommand below it, with its full name (`arca agent package publish`). */
function leaves(command: Command, path: readonly string[] = []): { name: string; command: Command }[] {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ name: here.join(' '), command }];
  return command.commands.flatMap((sub) => leaves(sub, here));
}

/** The help a person sees for a command: its usage, options and the text added before and after. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

/** `arca --help` is the manual for everything the README does not show: every command says what it does and how to call it. */
describe('arca help', () => {
  const program = buildProgram().addCommand(serverCommand());
  const all = leaves(program);

  it('walks a real tree: the operator, agent, doctor and server commands are all there', () => {
    const names = all.map((l) => l.name);
    for (const expected of ['arca agent package publish', 'arca agent package list', 'arca doctor', 'arca server', 'arca backup now', 'arca errors show']) assert.ok(names.includes(expected), `${expected} in ${names.length} commands`);
  });

  it('every command has a description and an example in its help', () => {
    const lacking = all.flatMap(({ name, command }) => {
      const problems: string[] = [];
      if (command.description().trim() === '') problems.push('no description');
      if (!/\bExamples?:/.test(helpOf(command))) problems.push('no Example in its help');
      return problems.length > 0 ? [`${name}: ${problems.join(', ')}`] : [];
    });
    assert.deepEqual(lacking, []);
  });

  it('the real binary prints the example with the help', async () => {
    const run = await runArca(['agent', 'package', 'publish', '--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: arca agent package publish \[options\] <file>/);
    assert.match(run.stdout, /Example:\n {2}tar -czf arca-agent-0\.2\.0\.tar\.gz package\.json bin src/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';
import { CATALOG } from '../../src/core/errors/index.ts';
import { serverCommand } from '../../src/server/command.ts';

/** Every backticked `arca …` in a recommended step, with where it was found. */
interface Mention {
  readonly code: string;
  readonly language: 'en' | 'es';
  readonly text: string;
}

function mentions(): Mention[] {
  const found: Mention[] = [];
  for (const entry of CATALOG) {
    for (const language of ['en', 'es'] as const) {
      for (const step of entry[language].recommendations) {
        for (const match of step.matchAll(/`(arca(?:\s[^`]*)?)`/g)) found.push({ code: entry.code, language, text: match[1] as string });
      }
    }
  }
  return found;
}

/** The program `arca` runs: main.ts adds the server (and the extension entry point, which no step names) to buildProgram's. */
const program = buildProgram().addCommand(serverCommand());

const subcommand = (command: Command, name: string) => command.commands.find((c) => c.name() === name || c.aliases().includes(name));

/** An option of the command or of one of its parents (the root's -o, --lang and --version hold everywhere). */
function findOption(command: Command, flag: string): Option | undefined {
  for (let at: Command | null = command; at; at = at.parent) {
    const option = at.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return undefined;
}

/**
 * Walks a command line through the program: words name subcommands while the command has them,
 * then are its arguments (placeholders such as NAME, <vm> or {jobId} are fine); each option must be
 * declared on the command or an ancestor, and one that takes a value skips the next word.
 * Returns what is wrong, or undefined.
 */
function checkLine(line: string): string | undefined {
  const words = line.split(/\s+/).filter((w) => w !== '' && w !== '…' && w !== '...');
  let command = program;
  let path = 'arca';
  let positional = 0;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word.startsWith('-')) {
      if (word === '--help' || word === '-h') continue;
      const flag = word.split('=')[0] as string;
      const option = findOption(command, flag);
      if (!option) return `${path} has no option ${flag}`;
      if ((option.required || option.optional) && !word.includes('=')) i++;
      continue;
    }
    const sub = positional === 0 ? subcommand(command, word) : undefined;
    if (sub) {
      command = sub;
      path += ` ${sub.name()}`;
      continue;
    }
    if (command.commands.length > 0 && command.registeredArguments.length === 0) return `${path} has no subcommand ${word}`;
    const declared = command.registeredArguments;
    if (positional >= declared.length && !declared.at(-1)?.variadic) return `${path} takes ${declared.length} argument(s), the step gives "${word}" too`;
    positional++;
  }
  return undefined;
}

describe('the commands the error catalog recommends', () => {
  const all = mentions();

  it('finds the steps that name arca commands, in both languages', () => {
    assert.ok(all.length > 100, `only ${all.length} mentions found`);
    assert.ok(all.some((m) => m.language === 'es'));
  });

  it('names only commands and options that arca has', () => {
    const wrong = all.flatMap((m) => {
      const problem = checkLine(m.text);
      return problem ? [`${m.code} (${m.language}): \`${m.text}\`: ${problem}`] : [];
    });
    assert.deepEqual([...new Set(wrong)], []);
  });

  it('catches a step that names a command arca does not have', () => {
    assert.match(checkLine('arca vm teleport web-1') ?? '', /arca vm has no subcommand teleport/);
    assert.match(checkLine('arca jobs list --colour red') ?? '', /arca job list has no option --colour/);
    assert.match(checkLine('arca frobnicate') ?? '', /arca has no subcommand frobnicate/);
    assert.equal(checkLine('arca jobs show {jobId} -o json'), undefined);
  });
});

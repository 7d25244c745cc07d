import { buildProgram } from './cli/program.ts';
import { runProgram } from './cli/run.ts';
import { extensionCommand } from './extensions/vmsnapshot/command.ts';
import { serverCommand } from './server/command.ts';

/** The composition root of the `arca` binary: operator commands plus the daemons. */
const program = buildProgram().addCommand(serverCommand()).addCommand(extensionCommand());
const code = await runProgram(program, process.argv.slice(2));
if (code !== 0) process.exitCode = code;

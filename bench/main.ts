import { runBenchmark } from './benchmark.ts';
import { hasGnuTime, stopAll } from './measure.ts';
import { parseOptions, USAGE } from './options.ts';
import { humanReport, jsonReport } from './report.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** `npm run bench`: reports go to stdout, progress and errors to stderr. */
async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!hasGnuTime()) log('GNU time (/usr/bin/time) is missing: peak RSS will be n/a (apt-get install -y time)');
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    log(`${signal}: stopping the running tool and cleaning up`);
    stopAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const results = await runBenchmark(options, log);
    process.stdout.write(options.json ? jsonReport(results) : humanReport(results));
    return 0;
  } catch (error) {
    log(interrupted ? 'interrupted' : `failed: ${(error as Error).message}`);
    return interrupted ? 130 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

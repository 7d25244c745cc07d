import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

const mib = (n: number) => (n / 1048576).toFixed(0);

const NONE: Progress = { update: () => undefined, stop: () => undefined };

/** A progress bar on standard error when it is a terminal; nothing otherwise (logs, pipes, CI). */
export function progressBar(enabled = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {label} [{bar}] {percentage}% {doneMiB}/{totalMiB} MiB {speed} MiB/s eta {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(done, total, label) {
      const speed = (done / 1048576 / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(0);
      const payload = { label, doneMiB: mib(done), totalMiB: mib(total), speed };
      if (!running) {
        bar.start(Math.max(1, total), done, payload);
        running = true;
      } else {
        bar.setTotal(Math.max(1, total));
        bar.update(done, payload);
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

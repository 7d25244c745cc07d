/**
 * How a handler's run stops early. These are not failures of the job: the engine turns each into
 * its own ending (Cancelled, released for another run, or nothing at all when the lease was lost).
 */
export class JobCancelledSignal extends Error {
  constructor(jobName: string) {
    super(`job ${jobName} was cancelled`);
    this.name = 'JobCancelledSignal';
  }
}

export class EngineStoppingSignal extends Error {
  constructor(jobName: string) {
    super(`the job engine is stopping; job ${jobName} is handed back to the queue`);
    this.name = 'EngineStoppingSignal';
  }
}

/** Another worker holds the job now (our lease expired and was taken); this run must write nothing more. */
export class LeaseLostError extends Error {
  constructor(jobName: string, reason: string) {
    super(`lost the lease on job ${jobName}: ${reason}`);
    this.name = 'LeaseLostError';
  }
}

export function isRunSignal(error: unknown): error is JobCancelledSignal | EngineStoppingSignal | LeaseLostError {
  return error instanceof JobCancelledSignal || error instanceof EngineStoppingSignal || error instanceof LeaseLostError;
}

import { operationError, type OperationStatus } from '../../client/arm-client.ts';
import { send } from '../../client/http.ts';
import { ArcaError } from '../../core/errors/index.ts';
import type { Session } from '../context/session.ts';

/**
 * The job a 202 operation (backup now, restore) started. The operation's status names it once the
 * vault has created it; an operation that failed before any job existed throws its catalog error.
 */
export async function jobOfOperation(session: Session, statusUrl: string): Promise<string> {
  const started = performance.now();
  for (;;) {
    const status = (await send(session.api.arm.connection, 'GET', statusUrl)).body as OperationStatus;
    const jobId = status.properties?.jobId;
    if (typeof jobId === 'string' && jobId !== '') return jobId;
    const failed = operationError(status, session.api.arm.connection);
    if (failed) throw failed;
    if (status.status !== 'InProgress' || performance.now() - started > 60_000) {
      throw new ArcaError('CliUnexpectedResponse', { method: 'GET', path: new URL(statusUrl).pathname, status: 200, what: `an operation ${status.status} that names no job` });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

import { readFile } from 'node:fs/promises';
import { extensionHandlerStateMachine, isState, transition, type ExtensionHandlerState } from '../../core/states/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';

/**
 * The persisted state of one handler: its place in core's handler-state machine, and the last
 * failure (a command that failed or timed out) which the agent reports until it is cleared by a
 * successful command. The machine has no "install failed" state, so a failed install leaves the
 * handler NotInstalled with its failure, and a failed enable leaves it Installed with its failure.
 */
export interface HandlerStateRecord {
  readonly state: ExtensionHandlerState;
  readonly failure?: { readonly command: string; readonly code: string; readonly message: string };
}

const INITIAL: HandlerStateRecord = { state: 'NotInstalled' };

export async function readHandlerState(path: string): Promise<HandlerStateRecord> {
  try {
    const body = JSON.parse(await readFile(path, 'utf8')) as Partial<HandlerStateRecord>;
    if (typeof body.state !== 'string' || !isState(extensionHandlerStateMachine, body.state)) throw new Error(`${path}: unknown handler state ${String(body.state)}`);
    return { state: body.state, ...(body.failure ? { failure: body.failure } : {}) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return INITIAL;
    throw error;
  }
}

async function save(path: string, record: HandlerStateRecord): Promise<HandlerStateRecord> {
  await writeFileAtomic(path, `${JSON.stringify(record)}\n`);
  return record;
}

/** Moves the handler through the table (refusing illegal moves) and clears any failure. */
export async function moveHandler(path: string, to: ExtensionHandlerState): Promise<HandlerStateRecord> {
  const current = await readHandlerState(path);
  const state = current.state === to ? to : transition(extensionHandlerStateMachine, current.state, to, `Handler state of ${path}`);
  return save(path, { state });
}

/** Records a failed command; an enabled handler that fails goes to FailedUpgrade, as waagent's do. */
export async function recordHandlerFailure(path: string, failure: NonNullable<HandlerStateRecord['failure']>): Promise<HandlerStateRecord> {
  const current = await readHandlerState(path);
  const state = current.state === 'Enabled' ? transition(extensionHandlerStateMachine, 'Enabled', 'FailedUpgrade') : current.state;
  return save(path, { state, failure });
}

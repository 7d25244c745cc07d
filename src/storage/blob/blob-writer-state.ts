import { defineMachine } from '../../core/states/index.ts';

/**
 * Where a BlobWriter is in its life. `open` takes writes. `committing` follows the first commit
 * call: writes are refused, and a commit that failed with a retryable error while the bytes are
 * still intact stays here, so commit may be called again. `committed` and `aborted` are final.
 */
export const BLOB_WRITER_STATES = ['open', 'committing', 'committed', 'aborted'] as const;
export type BlobWriterState = (typeof BLOB_WRITER_STATES)[number];

export const blobWriterMachine = defineMachine<BlobWriterState>({
  subject: 'BlobWriter',
  initial: ['open'],
  transitions: {
    open: ['committing', 'aborted'],
    committing: ['committed', 'aborted'],
    committed: [],
    aborted: [],
  },
});

/** True once the writer has nothing left to do: its object is in place, or its bytes are gone. */
export function isFinished(state: BlobWriterState): boolean {
  return state === 'committed' || state === 'aborted';
}

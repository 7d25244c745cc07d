import { ArcaError } from '../../core/errors/index.ts';

/**
 * Socket and name-resolution failures: the machine found no path to the other end. A proxy that
 * refuses or drops the CONNECT tunnel (ERR_PROXY_TUNNEL) is the same for the machine: no way out.
 */
const UNREACHABLE = new Set(['ERR_PROXY_TUNNEL', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

interface SocketError {
  readonly code?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly cause?: unknown;
}

/** The first error along the `cause` chain whose errno code says the network failed. */
function unreachableCause(thrown: unknown): SocketError | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const error = current as SocketError;
    if (typeof error.code === 'string' && UNREACHABLE.has(error.code)) return error;
    current = error.cause;
  }
  return undefined;
}

/**
 * ExtensionSnapshotFailedNoNetwork when what was thrown comes from the machine failing to reach
 * the vault (connection refused or reset, no route, name not resolved, timed out), after the
 * channel's own retries; undefined for anything else (an answer from the vault, a local error).
 * `endpoint` names the vault when the caller knows it; otherwise the socket's own address does.
 */
export function noNetworkError(thrown: unknown, vmName: string, endpoint?: string): ArcaError | undefined {
  const cause = unreachableCause(thrown);
  if (cause === undefined) return undefined;
  const fromSocket = typeof cause.address === 'string' ? `${cause.address}${typeof cause.port === 'number' ? `:${cause.port}` : ''}` : typeof cause.hostname === 'string' ? cause.hostname : undefined;
  return new ArcaError('ExtensionSnapshotFailedNoNetwork', { vmName, endpoint: endpoint ?? fromSocket ?? 'the vault' }, { cause: thrown });
}

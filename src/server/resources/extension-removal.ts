import type { ExtensionHandlerState, ExtensionStatus } from '../../core/states/index.ts';

/** What a status report says of one extension, as far as removal cares. */
interface Reported {
  readonly name: string;
  readonly handlerState: ExtensionHandlerState;
  readonly status?: { readonly status: ExtensionStatus };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const broken = (extension: Reported) => extension.status?.status === 'error' || extension.handlerState === 'FailedUpgrade';

/**
 * An extension removed through the API stays on the machine until the next snapshot task removes
 * and reinstalls its handler. Until then the agent keeps reporting it failed: those reports are
 * hidden (so the machine does not fall back into Failed), and the removal stays pending. Once the
 * agent reports it healthy again, or no longer reports it, the removal is settled.
 */
export function settleRemovals<R extends Reported>(pending: readonly string[], reported: readonly R[]): { shown: R[]; pending: string[] } {
  const hidden = reported.filter((extension) => broken(extension) && pending.some((name) => same(name, extension.name)));
  return {
    shown: reported.filter((extension) => !hidden.includes(extension)),
    pending: pending.filter((name) => hidden.some((extension) => same(extension.name, name))),
  };
}

/** Whether the next task on the machine must remove and reinstall the extension first. */
export function removalPending(removed: readonly string[] | undefined, name: string): boolean {
  return (removed ?? []).some((each) => same(each, name));
}

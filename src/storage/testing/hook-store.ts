import type { BlobInfo, CallOptions, PutOptions } from '../blob/blob-store.ts';
import { FaultInjectingBlobStore } from '../blob/fault-injecting-blob-store.ts';

/** A store that lets a test run code (and wait) just before a put or a list: races on demand, no timers. */
export class HookStore extends FaultInjectingBlobStore {
  beforePut: ((key: string) => Promise<void> | void) | undefined;
  beforeList: ((prefix: string) => Promise<void> | void) | undefined;

  override async put(key: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    await this.beforePut?.(key);
    return super.put(key, data, options);
  }

  override async *list(prefix: string, options?: CallOptions): AsyncGenerator<BlobInfo> {
    await this.beforeList?.(prefix);
    yield* super.list(prefix, options);
  }
}

/** Holds the next manifest write until released: a backup paused after all its data landed. */
export function holdNextManifest(store: HookStore): { reached: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  store.beforePut = async (key) => {
    if (!key.startsWith('points/')) return;
    store.beforePut = undefined;
    reach();
    await gate;
  };
  return { reached, release };
}

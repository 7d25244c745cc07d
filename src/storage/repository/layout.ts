/**
 * Where each kind of object lives in the blob store. Names are lowercase hex or sortable ids, so
 * they satisfy every store's key rules.
 */
export const LAYOUT = {
  config: 'config',
  keys: 'keys/',
  keyRemovals: 'keys-removing/',
  data: 'data/',
  index: 'index/',
  points: 'points/',
  inflight: 'inflight/',
  prune: 'prune/',
} as const;

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

export const packKey = (packId: string): string => `${LAYOUT.data}${packId.slice(0, 2)}/${packId}`;
export const indexKey = (name: string): string => `${LAYOUT.index}${name}`;
export const pointKey = (id: string): string => `${LAYOUT.points}${id}`;
export const keyFileKey = (id: string): string => `${LAYOUT.keys}${id}`;
export const keyRemovalKey = (id: string): string => `${LAYOUT.keyRemovals}${id}`;
export const inflightKey = (id: string): string => `${LAYOUT.inflight}${id}`;
export const pruneKey = (id: string): string => `${LAYOUT.prune}${id}`;

/** The last path segment of a key: the object's own name. */
export const nameOf = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** Sortable, unique ids for recovery points and other named events: `20261122-004512-3f9a2c1d`. */
export function timeId(at: Date, random: Uint8Array): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${hex(random.subarray(0, 4))}`;
}

/** The moment a time id was made, or undefined when the name is not a time id. */
export function timeOfId(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-[0-9a-f]{8}$/.exec(id);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}

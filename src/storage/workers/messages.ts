/** Messages between the data path and its worker threads. Buffers travel by transfer, not copy. */
export type WorkRequest =
  | { readonly seq: number; readonly op: 'hash'; readonly data: Uint8Array }
  | { readonly seq: number; readonly op: 'seal'; readonly id: Uint8Array; readonly data: Uint8Array }
  | {
      readonly seq: number;
      readonly op: 'open';
      readonly id: Uint8Array;
      readonly sealed: Uint8Array;
      readonly flags: number;
      readonly rawLength: number;
      readonly verifyId: boolean;
    }
  | {
      readonly seq: number;
      /** Opens a stored chunk and writes it into `target` at `at` (see restore/sparse-writer.ts). */
      readonly op: 'restore';
      readonly id: Uint8Array;
      readonly sealed: Uint8Array;
      readonly flags: number;
      readonly rawLength: number;
      readonly target: string;
      readonly at: number;
    }
  /** Closes this thread's handles on `target`; sent to every worker once a restore is over. */
  | { readonly seq: number; readonly op: 'release'; readonly target: string };

export type WorkResponse =
  | { readonly seq: number; readonly ok: true; readonly id: Uint8Array; readonly data: Uint8Array }
  | { readonly seq: number; readonly ok: true; readonly sealed: Uint8Array; readonly rawLength: number; readonly flags: number; readonly data: Uint8Array }
  | { readonly seq: number; readonly ok: true; readonly data: Uint8Array }
  | { readonly seq: number; readonly ok: true; readonly written: number }
  | { readonly seq: number; readonly ok: false; readonly name: string; readonly message: string };

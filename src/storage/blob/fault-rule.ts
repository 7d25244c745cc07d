import { ArcaError, invalidArgument, type CatalogCode } from '../../core/errors/index.ts';
import { BLOB_OPERATIONS, OPERATION_VERBS, type BlobOperation } from './blob-operation.ts';

/** Which calls a rule applies to. Every part left out matches everything. */
export interface FaultMatch {
  /** A string matches keys (for list: prefixes) that start with it; a RegExp is tested. */
  readonly key?: string | RegExp;
  /** Fire only on the Nth call this rule matches, counted from 1 since the rule was added. */
  readonly nth?: number;
  /** Remove the rule once it has fired. */
  readonly once?: boolean;
}

/** The call fails with `code`: RepositoryStoreUnavailable is transient, the others permanent. */
export interface FailFault extends FaultMatch {
  readonly kind: 'fail';
  readonly code: CatalogCode;
  /**
   * The calls it applies to; all when left out. A failed write aborts its writer; a failed commit
   * leaves it `committing` when the code is retryable, so commit may be tried again.
   */
  readonly operations?: readonly BlobOperation[];
  /**
   * The call reaches the inner store first and then fails, as when a reply is lost after the store
   * acted; for list, after yielding every item (a listing cut at its end).
   */
  readonly afterCall?: boolean;
}

/**
 * A put that dies halfway: nothing reaches the store and the caller sees a transient failure. For
 * a writer it fires at commit: the writer is aborted, nothing is visible, the failure is transient.
 */
export interface TornPutFault extends FaultMatch {
  readonly kind: 'torn-put';
}

/**
 * Puts and writer writes fail with RepositoryStoreFull, writing nothing, once they would pass
 * `afterBytes` in all. A writer's bytes count as each write goes through, committed or not.
 */
export interface DiskFullFault extends FaultMatch {
  readonly kind: 'disk-full';
  readonly afterBytes: number;
}

export type FaultRule = FailFault | TornPutFault | DiskFullFault;

/** The calls the kinds other than `fail` apply to. */
const KIND_OPERATIONS: Readonly<Record<'torn-put' | 'disk-full', readonly BlobOperation[]>> = {
  'torn-put': ['put', 'commit'],
  'disk-full': ['put', 'write'],
};

/** What a test holds on to after adding a rule. */
export interface FaultHandle {
  /** How many calls the rule has failed. */
  readonly fired: number;
  remove(): void;
}

/** A rule with its own counters. */
export class ActiveFault implements FaultHandle {
  readonly rule: FaultRule;
  readonly #remove: (fault: ActiveFault) => void;
  matched = 0;
  fired = 0;
  /** Bytes of puts and writes this rule let through; used by disk-full. */
  bytes = 0;

  constructor(rule: FaultRule, remove: (fault: ActiveFault) => void) {
    validate(rule);
    this.rule = rule;
    this.#remove = remove;
  }

  remove(): void {
    this.#remove(this);
  }

  appliesTo(operation: BlobOperation, key: string): boolean {
    const { rule } = this;
    const operations: readonly BlobOperation[] = rule.kind === 'fail' ? (rule.operations ?? BLOB_OPERATIONS) : KIND_OPERATIONS[rule.kind];
    if (!operations.includes(operation)) return false;
    if (typeof rule.key === 'string') return key.startsWith(rule.key);
    return rule.key === undefined || rule.key.test(key);
  }

  /** Counts a matching call and says whether the rule fails it. */
  firesOn(size: number): boolean {
    this.matched += 1;
    if (this.rule.nth !== undefined && this.matched !== this.rule.nth) return false;
    return this.rule.kind !== 'disk-full' || this.bytes + size > this.rule.afterBytes;
  }
}

/** The error a fault throws, with every parameter the storage codes' messages use. */
export function faultError(rule: FaultRule, operation: BlobOperation, key: string, location: string, call: number): ArcaError {
  const reason = rule.kind === 'torn-put' ? 'the writer stopped halfway (injected fault)' : `injected fault on ${operation} call ${call}`;
  const code: CatalogCode = rule.kind === 'fail' ? rule.code : rule.kind === 'torn-put' ? 'RepositoryStoreUnavailable' : 'RepositoryStoreFull';
  return new ArcaError(code, { operation: OPERATION_VERBS[operation], key, location, reason, detail: reason });
}

function validate(rule: FaultRule): void {
  if (rule.nth !== undefined && (!Number.isSafeInteger(rule.nth) || rule.nth < 1)) throw invalidArgument('nth', `${rule.nth} is not a call number`);
  if (rule.kind === 'disk-full' && !(Number.isSafeInteger(rule.afterBytes) && rule.afterBytes >= 0)) {
    throw invalidArgument('afterBytes', `${rule.afterBytes} is not a byte count`);
  }
}

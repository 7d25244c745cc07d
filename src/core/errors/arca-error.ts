import type { Language } from './catalog-entry.ts';
import { entryFor, type CatalogCode } from './catalog/index.ts';
import { renderEntry, type ErrorParams, type RenderedError } from './render.ts';

/**
 * The one error type Arca throws across layers. It carries a catalog code and the parameters its
 * message needs; it is rendered into words only at the edges (ARM error, job details, CLI, portal).
 */
export class ArcaError extends Error {
  readonly code: CatalogCode;
  readonly params: ErrorParams;

  constructor(code: CatalogCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(renderEntry(entryFor(code), 'en', params).message, options);
    this.name = 'ArcaError';
    this.code = code;
    this.params = params;
  }

  get entry() {
    return entryFor(this.code);
  }

  get retryable(): boolean {
    return this.entry.retryable;
  }

  get httpStatus(): number {
    return this.entry.httpStatus;
  }

  render(language: Language): RenderedError {
    return renderEntry(this.entry, language, this.params);
  }
}

export function isArcaError(value: unknown): value is ArcaError {
  return value instanceof ArcaError;
}

/** Shorthand for the most common boundary failure: one named input is wrong, and why. */
export function invalidArgument(name: string, reason: string): ArcaError {
  return new ArcaError('UserErrorInvalidArgument', { name, reason });
}

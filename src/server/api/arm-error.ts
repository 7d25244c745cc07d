import { ArcaError, isArcaError, pickLanguage, type Language } from '../../core/errors/index.ts';

/** ARM's error envelope; Arca's extra facts ride in `additionalInfo`, which ARM clients ignore. */
export interface ArmErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: ArmErrorBody['error'][];
    additionalInfo?: { type: string; info: Record<string, unknown> }[];
  };
}

export function renderArmError(error: ArcaError, language: Language, target?: string): ArmErrorBody {
  const rendered = error.render(language);
  return {
    error: {
      code: error.code,
      message: rendered.message,
      ...(target ? { target } : {}),
      additionalInfo: [
        {
          type: 'ArcaErrorInfo',
          info: {
            numericCode: rendered.numericCode,
            title: rendered.title,
            recommendations: rendered.recommendations,
            retryable: error.retryable,
            phase: error.entry.phase,
          },
        },
      ],
    },
  };
}

export function languageOf(headers: Record<string, string | string[] | undefined>): Language {
  const accept = headers['accept-language'];
  return pickLanguage(Array.isArray(accept) ? accept.join(',') : accept);
}

/**
 * Turns anything thrown into an ArcaError. Catalog errors pass through; anything else becomes the
 * internal-error code with a reference the caller can quote and the log carries with the cause.
 */
export function toArcaError(thrown: unknown, operation: string, reference: string): ArcaError {
  if (isArcaError(thrown)) return thrown;
  return new ArcaError('ArcaInternalError', { operation, reference }, { cause: thrown });
}

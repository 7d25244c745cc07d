import { ArcaError, findEntry, type CatalogCode, type Language, type RenderedError } from '../core/errors/index.ts';

/** What the server said about a failure, in the language the request asked for. */
export interface RemoteText {
  readonly language: Language;
  readonly title?: string;
  readonly message: string;
  readonly recommendations?: readonly string[];
}

/**
 * A catalog error the vault reported. The server filled the message's parameters, which the client
 * does not have, so its own words are kept and shown whenever they are in the language asked for.
 */
export class RemoteArcaError extends ArcaError {
  readonly remote: RemoteText;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly target: string | undefined;

  constructor(code: CatalogCode, remote: RemoteText, facts: { status: number; requestId?: string; target?: string }) {
    super(code);
    this.message = remote.message;
    this.remote = remote;
    this.status = facts.status;
    this.requestId = facts.requestId;
    this.target = facts.target;
  }

  override get httpStatus(): number {
    return this.status;
  }

  override render(language: Language): RenderedError {
    const local = super.render(language);
    if (language !== this.remote.language) return local;
    return {
      ...local,
      title: this.remote.title ?? local.title,
      message: this.remote.message,
      recommendations: this.remote.recommendations ?? local.recommendations,
    };
  }
}

interface ArmErrorShape {
  code?: unknown;
  message?: unknown;
  target?: unknown;
  additionalInfo?: { type?: unknown; info?: { title?: unknown; recommendations?: unknown } }[];
}

/** The ARM error envelope `{error:{code,message,…}}` as an ArcaError; undefined when the body is not one or the code is unknown. */
export function fromArmError(body: unknown, status: number | undefined, language: Language, requestId?: string): RemoteArcaError | undefined {
  const error = (body as { error?: ArmErrorShape } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined;
  const entry = findEntry(error.code);
  if (!entry) return undefined;
  const info = error.additionalInfo?.find((a) => a.type === 'ArcaErrorInfo')?.info;
  const steps = Array.isArray(info?.recommendations) ? info.recommendations.filter((s): s is string => typeof s === 'string') : undefined;
  return new RemoteArcaError(
    entry.code as CatalogCode,
    { language, message: error.message, ...(typeof info?.title === 'string' ? { title: info.title } : {}), ...(steps ? { recommendations: steps } : {}) },
    { status: status ?? entry.httpStatus, ...(requestId ? { requestId } : {}), ...(typeof error.target === 'string' ? { target: error.target } : {}) },
  );
}

/** A job's error detail (`errorCode`, `errorTitle`, `errorString`, `recommendations`, `code`) as an ArcaError. */
export function fromJobErrorDetail(detail: { code?: string; errorTitle?: string; errorString?: string; recommendations?: string[] }, language: Language): ArcaError | undefined {
  const entry = detail.code ? findEntry(detail.code) : undefined;
  if (!entry) return undefined;
  return new RemoteArcaError(
    entry.code as CatalogCode,
    { language, message: detail.errorString ?? entry[language].message, ...(detail.errorTitle ? { title: detail.errorTitle } : {}), ...(detail.recommendations ? { recommendations: detail.recommendations } : {}) },
    { status: entry.httpStatus },
  );
}

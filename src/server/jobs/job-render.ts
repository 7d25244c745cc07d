import { findEntry, renderEntry, type Language } from '../../core/errors/index.ts';
import { elapsedMs, formatIsoDuration } from './iso-duration.ts';
import { isCancellable } from './job-changes.ts';
import type { JobDocument, StoredError, TaskRecord } from './job-record.ts';

/**
 * The job as the API shows it: what depends on the reader (language) or on the time of reading
 * (duration of a running job, actions offered) is drawn here, never stored.
 */
export interface JobErrorDetail {
  /** The catalog's numeric code: Azure's AzureIaaSVMErrorInfo.errorCode is a number. */
  readonly errorCode: number;
  readonly errorTitle: string;
  readonly errorString: string;
  readonly recommendations: readonly string[];
  /** Arca's own: the stable string code (`UserErrorFsFreezeFailed`), which ARM's shape has no field for. */
  readonly code: string;
}

export function renderErrorDetail(error: StoredError, language: Language): JobErrorDetail {
  const entry = findEntry(error.code) ?? findEntry('ArcaInternalError');
  if (entry === undefined) throw new Error('the catalog lacks ArcaInternalError');
  const rendered = renderEntry(entry, language, error.params);
  return { errorCode: rendered.numericCode, errorTitle: rendered.title, errorString: rendered.message, recommendations: rendered.recommendations, code: entry.code };
}

function actionsOf(job: JobDocument): string[] {
  if (isCancellable(job)) return ['Cancellable'];
  const { status, operation } = job.properties;
  const error = job.arca.error;
  const retriable = status === 'Failed' && error !== undefined && findEntry(error.code)?.retryable === true && ['Backup', 'Restore'].includes(operation);
  return retriable ? ['Retriable'] : [];
}

function renderTask(task: TaskRecord, now: Date): Record<string, unknown> {
  return {
    ...task,
    ...(task.startTime ? { duration: formatIsoDuration(elapsedMs(task.startTime, task.endTime, now)) } : {}),
  };
}

export function renderJob(job: JobDocument, language: Language, now: Date): Record<string, unknown> {
  const { properties, arca } = job;
  const errors = [...(arca.error ? [arca.error] : []), ...arca.warnings];
  return {
    id: job.id,
    name: job.name,
    type: job.type,
    properties: {
      ...properties,
      duration: formatIsoDuration(elapsedMs(properties.startTime, properties.endTime, now)),
      actionsInfo: actionsOf(job),
      errorDetails: errors.map((error) => renderErrorDetail(error, language)),
      extendedInfo: {
        ...properties.extendedInfo,
        ...(arca.error ? { dynamicErrorMessage: renderErrorDetail(arca.error, language).errorString } : {}),
        tasksList: properties.extendedInfo.tasksList.map((task) => renderTask(task, now)),
      },
    },
  };
}

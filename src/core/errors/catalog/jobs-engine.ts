import { defineErrors } from '../catalog-entry.ts';

/** The job engine and the jobs API beyond the seeds' codes: reading filters, and jobs the engine gives up on. */
export const jobsEngineErrors = defineErrors({
  UserErrorInvalidJobFilter: {
    numericCode: 771300,
    httpStatus: 400,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Job filter not understood',
      message: 'The job list filter could not be read: {reason}.',
      recommendations: [
        "Write the filter as clauses joined by `and`, each a field, an operator and a quoted value, for example `status eq 'InProgress' and operation eq 'Backup'`.",
        "Filter on status, operation and backupManagementType with `eq`, on startTime with `eq` or `ge` and on endTime with `eq` or `le`.",
        "Write times as `2026-11-22 10:00:00 AM` (UTC) or as ISO 8601, `2026-11-22T10:00:00Z`.",
      ],
    },
    es: {
      title: 'No se entiende el filtro de trabajos',
      message: 'No se pudo interpretar el filtro de la lista de trabajos: {reason}.',
      recommendations: [
        "Escriba el filtro como cláusulas unidas por `and`, cada una con un campo, un operador y un valor entre comillas, por ejemplo `status eq 'InProgress' and operation eq 'Backup'`.",
        "Filtre por status, operation y backupManagementType con `eq`, por startTime con `eq` o `ge` y por endTime con `eq` o `le`.",
        "Escriba las horas como `2026-11-22 10:00:00 AM` (UTC) o en ISO 8601, `2026-11-22T10:00:00Z`.",
      ],
    },
  },
  JobKindNotSupported: {
    numericCode: 771301,
    httpStatus: 500,
    retryable: false,
    phase: 'job',
    en: {
      title: 'No worker for this job',
      message: 'Job {jobId} asks for work of kind {kind}, which this server does not know how to do.',
      recommendations: [
        'Check that every replica of the vault server runs the same Arca version with `arca version` on each host.',
        'Start the operation again once all replicas are up to date.',
      ],
    },
    es: {
      title: 'Ningún proceso puede ejecutar este trabajo',
      message: 'El trabajo {jobId} pide un trabajo de tipo {kind}, que este servidor no sabe realizar.',
      recommendations: [
        'Compruebe que todas las réplicas del servidor del almacén ejecutan la misma versión de Arca con `arca version` en cada equipo.',
        'Inicie de nuevo la operación cuando todas las réplicas estén actualizadas.',
      ],
    },
  },
  JobInterruptedTooOften: {
    numericCode: 771302,
    httpStatus: 500,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Job interrupted too many times',
      message: 'Job {jobId} was started {attempts} times without reaching its end, each time cut short by a server restart or a lost lease, so Arca stopped trying.',
      recommendations: [
        'Look in the vault server logs for restarts or crashes around the job\'s start time.',
        'Make sure the server is not stopped or moved while backups run, and that its host has enough memory.',
        'Start the operation again; `arca jobs show {jobId}` shows how far it got.',
      ],
    },
    es: {
      title: 'Trabajo interrumpido demasiadas veces',
      message: 'El trabajo {jobId} se inició {attempts} veces sin llegar a su fin, cortado cada vez por un reinicio del servidor o una concesión perdida, así que Arca dejó de intentarlo.',
      recommendations: [
        'Busque en los registros del servidor del almacén reinicios o fallos en torno a la hora de inicio del trabajo.',
        'Asegúrese de que el servidor no se detiene ni se traslada mientras se ejecutan copias de seguridad, y de que su equipo tiene memoria suficiente.',
        'Inicie de nuevo la operación; `arca jobs show {jobId}` muestra hasta dónde llegó.',
      ],
    },
  },
});

import { defineErrors } from '../catalog-entry.ts';

/** Jobs as a whole: starting them, cancelling them, and the warnings set on long-running ones. */
export const jobErrors = defineErrors({
  UserErrorBackupOperationInProgress: {
    numericCode: 770700,
    httpStatus: 409,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Another backup is in progress',
      message: 'A backup of {itemName} cannot start because job {jobId} is already running for it. Only one backup operation per item runs at a time.',
      recommendations: [
        'Follow the running job with `arca jobs watch {jobId}` and start the new backup once it has finished.',
        'If it must stop, cancel it with `arca jobs cancel {jobId}`; this is possible only while it is taking the snapshot.',
        'If the machine was moved from another vault, make sure no job is still running there with `arca jobs list --vault OTHER --vm {itemName} --status InProgress`.',
        'If scheduled backups keep running into each other, they take longer than the interval between them: check past durations with `arca jobs list --vm {itemName}` and space the schedule out.',
      ],
    },
    es: {
      title: 'Hay otra copia de seguridad en curso',
      message: 'No se puede iniciar una copia de seguridad de {itemName} porque el trabajo {jobId} ya está en curso para ese elemento. Solo se ejecuta una operación de copia de seguridad por elemento a la vez.',
      recommendations: [
        'Siga el trabajo en curso con `arca jobs watch {jobId}` e inicie la nueva copia de seguridad cuando haya terminado.',
        'Si es necesario detenerlo, cancélelo con `arca jobs cancel {jobId}`; solo es posible mientras toma la instantánea.',
        'Si la máquina se trasladó desde otro almacén, asegúrese de que allí no sigue ningún trabajo en curso con `arca jobs list --vault OTRO --vm {itemName} --status InProgress`.',
        'Si las copias programadas se solapan una y otra vez, duran más que el intervalo entre ellas: revise las duraciones anteriores con `arca jobs list --vm {itemName}` y espacie la programación.',
      ],
    },
  },
  UserErrorOnDemandBackupLimitReached: {
    numericCode: 770701,
    httpStatus: 409,
    retryable: false,
    phase: 'job',
    en: {
      title: 'On-demand backup limit reached',
      message: '{itemName} has already had {limit} on-demand backups today, the most allowed per item in a day.',
      recommendations: [
        'Use a recovery point that already exists; `arca rp list --vm {itemName}` lists them.',
        'Start the next on-demand backup tomorrow; scheduled backups keep running in the meantime.',
        'If you need more points every day, protect the item with a policy that backs up more often; `arca policy show NAME` shows a policy\'s schedule.',
      ],
    },
    es: {
      title: 'Se alcanzó el límite de copias de seguridad a petición',
      message: '{itemName} ya ha tenido hoy {limit} copias de seguridad a petición, el máximo permitido por elemento y día.',
      recommendations: [
        'Use un punto de recuperación que ya exista; `arca rp list --vm {itemName}` los muestra.',
        'Inicie la siguiente copia a petición mañana; mientras tanto, las copias programadas siguen ejecutándose.',
        'Si necesita más puntos cada día, proteja el elemento con una directiva que haga copias con más frecuencia; `arca policy show NOMBRE` muestra la programación de una directiva.',
      ],
    },
  },
  UserErrorJobCancelNotSupported: {
    numericCode: 770702,
    httpStatus: 400,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Jobs of this type cannot be cancelled',
      message: 'Job {jobId} is a {operation} job, and jobs of that type cannot be cancelled. Only backup jobs can be cancelled, and only while they take the snapshot.',
      recommendations: [
        'Wait for the job to finish; `arca jobs watch {jobId}` follows it.',
        'If its result is not wanted, remove it once the job has finished, for example the disks or the machine a restore created.',
      ],
    },
    es: {
      title: 'Los trabajos de este tipo no se pueden cancelar',
      message: 'El trabajo {jobId} es de tipo {operation} y los trabajos de ese tipo no se pueden cancelar. Solo se pueden cancelar los trabajos de copia de seguridad, y solo mientras toman la instantánea.',
      recommendations: [
        'Espere a que termine el trabajo; `arca jobs watch {jobId}` permite seguirlo.',
        'Si no quiere su resultado, elimínelo cuando el trabajo termine, por ejemplo los discos o la máquina que creó una restauración.',
      ],
    },
  },
  UserErrorJobNotCancellable: {
    numericCode: 770703,
    httpStatus: 409,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Job can no longer be cancelled',
      message: 'Job {jobId} is in the {phase} phase. A backup can be cancelled only while it takes the snapshot; past that point it is most likely close to finishing.',
      recommendations: [
        'Wait for the job to finish; `arca jobs watch {jobId}` shows its progress.',
        'Check with `arca jobs show {jobId}` which actions the job offers: Cancellable is listed only while cancelling is possible.',
      ],
    },
    es: {
      title: 'El trabajo ya no se puede cancelar',
      message: 'El trabajo {jobId} está en la fase {phase}. Una copia de seguridad solo se puede cancelar mientras toma la instantánea; pasado ese punto, lo más probable es que esté a punto de terminar.',
      recommendations: [
        'Espere a que termine el trabajo; `arca jobs watch {jobId}` muestra su progreso.',
        'Compruebe con `arca jobs show {jobId}` qué acciones ofrece el trabajo: Cancellable solo aparece mientras se puede cancelar.',
      ],
    },
  },
  UserErrorJobNotInProgress: {
    numericCode: 770704,
    httpStatus: 409,
    retryable: true,
    phase: 'job',
    en: {
      title: 'Job is not in progress',
      message: 'Job {jobId} cannot be cancelled because its status is {status}; only jobs in progress can be cancelled. This is often a passing state, just before the job starts or ends.',
      recommendations: [
        'Check the job\'s status with `arca jobs show {jobId}`.',
        'If it is changing state, wait a moment and run `arca jobs cancel {jobId}` again.',
        'If it is already Cancelling, the cancellation is under way; if it has ended, there is nothing left to cancel.',
      ],
    },
    es: {
      title: 'El trabajo no está en curso',
      message: 'No se puede cancelar el trabajo {jobId} porque su estado es {status}; solo se pueden cancelar los trabajos en curso. Suele ser un estado pasajero, justo antes de que el trabajo empiece o termine.',
      recommendations: [
        'Compruebe el estado del trabajo con `arca jobs show {jobId}`.',
        'Si está cambiando de estado, espere un momento y vuelva a ejecutar `arca jobs cancel {jobId}`.',
        'Si ya está en Cancelling, la cancelación está en marcha; si ha terminado, no queda nada que cancelar.',
      ],
    },
  },
  JobCancelFailed: {
    numericCode: 770705,
    httpStatus: 500,
    retryable: true,
    phase: 'job',
    en: {
      title: 'Job could not be cancelled',
      message: 'Arca could not cancel job {jobId}. The job goes on.',
      recommendations: [
        'Check the job with `arca jobs show {jobId}`.',
        'If it is still in progress and lists Cancellable among its actions, run `arca jobs cancel {jobId}` once more.',
        'Otherwise wait for it to finish; `arca jobs watch {jobId}` follows it.',
      ],
    },
    es: {
      title: 'No se pudo cancelar el trabajo',
      message: 'Arca no pudo cancelar el trabajo {jobId}. El trabajo continúa.',
      recommendations: [
        'Compruebe el trabajo con `arca jobs show {jobId}`.',
        'Si sigue en curso y muestra Cancellable entre sus acciones, vuelva a ejecutar `arca jobs cancel {jobId}`.',
        'En caso contrario, espere a que termine; `arca jobs watch {jobId}` permite seguirlo.',
      ],
    },
  },
  BackupTakingTooLong: {
    numericCode: 770706,
    httpStatus: 504,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Backup is taking too long',
      message: 'Backup job {jobId} has been running for {duration}, longer than the 12 hours a backup should take. The job carries on; this is a warning.',
      recommendations: [
        'Follow the transfer with `arca jobs watch {jobId}` to see whether it is progressing slowly or stalled.',
        'The first backup of a large machine sends every disk in full; later ones send only what changed and are much shorter.',
        'Check the machine\'s load with `arca doctor` on the machine, and the network between it and the vault; avoid scheduling many backups of the same group at the same hour.',
      ],
    },
    es: {
      title: 'La copia de seguridad tarda demasiado',
      message: 'El trabajo de copia de seguridad {jobId} lleva {duration} en ejecución, más de las 12 horas que debería durar una copia de seguridad. El trabajo continúa; se trata de una advertencia.',
      recommendations: [
        'Siga la transferencia con `arca jobs watch {jobId}` para ver si avanza despacio o está detenida.',
        'La primera copia de seguridad de una máquina grande envía todos los discos completos; las siguientes solo envían lo que ha cambiado y son mucho más cortas.',
        'Revise la carga de la máquina con `arca doctor` en ella y la red entre la máquina y el almacén; evite programar muchas copias del mismo grupo a la misma hora.',
      ],
    },
  },
  RestoreTakingTooLong: {
    numericCode: 770707,
    httpStatus: 504,
    retryable: false,
    phase: 'job',
    en: {
      title: 'Restore is taking too long',
      message: 'Restore job {jobId} has been running for {duration}, longer than the 6 hours a restore should take. The job carries on; this is a warning.',
      recommendations: [
        'Follow the restore with `arca jobs watch {jobId}` to see whether it is progressing slowly or stalled.',
        'A restore from the vault tier reads every disk from the repository; restoring from a recovery point that still has its instant snapshot is much faster.',
        'Check the free space and the write speed of the target storage, and the network between the vault and the target.',
      ],
    },
    es: {
      title: 'La restauración tarda demasiado',
      message: 'El trabajo de restauración {jobId} lleva {duration} en ejecución, más de las 6 horas que debería durar una restauración. El trabajo continúa; se trata de una advertencia.',
      recommendations: [
        'Siga la restauración con `arca jobs watch {jobId}` para ver si avanza despacio o está detenida.',
        'Una restauración desde el nivel del almacén lee todos los discos del repositorio; restaurar un punto de recuperación que aún conserva su instantánea es mucho más rápido.',
        'Revise el espacio libre y la velocidad de escritura del almacenamiento de destino, y la red entre el almacén y el destino.',
      ],
    },
  },
});

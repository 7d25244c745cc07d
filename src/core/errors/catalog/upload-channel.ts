import { defineErrors } from '../catalog-entry.ts';

/**
 * The upload channel: the routes through which a machine's snapshot extension writes its backup
 * into the vault's repository over HTTPS, with least privilege (ADR 5). Block 771600.
 */
export const uploadChannelErrors = defineErrors({
  UploadChannelKeyForbidden: {
    numericCode: 771600,
    httpStatus: 403,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Repository object not allowed through the upload channel',
      message: 'The upload channel of machine {machineId} refuses to {operation} {key}: {reason}. A machine may add new packs, index files and recovery points, keep its own in-flight marker, and read only what a backup needs to find unchanged data.',
      recommendations: [
        'Check that the snapshot extension on the machine is a version this vault supports: the machine\'s agent version is shown with the virtual machine in the portal and in `GET` of its resource.',
        'If it is, report the refusal with the request id shown here: a backup should never need this object.',
      ],
    },
    es: {
      title: 'Objeto del repositorio no permitido por el canal de subida',
      message: 'El canal de subida de la máquina {machineId} no permite {operation} {key}: {reason}. Una máquina puede añadir paquetes, ficheros de índice y puntos de recuperación nuevos, mantener su propio marcador de copia en curso y leer solo lo que una copia necesita para reconocer datos sin cambios.',
      recommendations: [
        'Compruebe que la extensión de instantáneas de la máquina es una versión que este almacén admite: la versión del agente se muestra con la máquina virtual en el portal y en el `GET` de su recurso.',
        'Si lo es, informe del rechazo con el id de petición que se muestra aquí: una copia de seguridad nunca debería necesitar este objeto.',
      ],
    },
  },
  UploadChannelNoOpenTask: {
    numericCode: 771601,
    httpStatus: 403,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'No backup is running for this machine',
      message: 'The upload channel of machine {machineId} is open only while a snapshot task of that machine is pending or running, and none is. The repository keys and writes are refused outside a backup.',
      recommendations: [
        'Start a backup of the machine (backup now on its protected item); the extension receives its task in the goal state and may then upload.',
        'If a backup is running, check its job in the vault\'s job list: a cancelled or timed-out task closes the channel.',
      ],
    },
    es: {
      title: 'No hay ninguna copia en curso para esta máquina',
      message: 'El canal de subida de la máquina {machineId} solo está abierto mientras una tarea de instantánea de esa máquina está pendiente o en curso, y no hay ninguna. Fuera de una copia se rechazan las claves del repositorio y las escrituras.',
      recommendations: [
        'Inicie una copia de la máquina (copia inmediata de su elemento protegido); la extensión recibe su tarea en el estado objetivo y entonces puede subir datos.',
        'Si hay una copia en curso, consulte su trabajo en la lista de trabajos del almacén: una tarea cancelada o que agotó su tiempo cierra el canal.',
      ],
    },
  },
  UploadChannelObjectTooLarge: {
    numericCode: 771602,
    httpStatus: 413,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Object too large for the upload channel',
      message: 'The upload of {key} was stopped after {limit} bytes, the most the upload channel takes for one object; nothing was stored under that key.',
      recommendations: [
        'Check that the snapshot extension on the machine is a version this vault supports: packs are at most 64 MiB, and a larger object is not one a backup writes.',
        'If the object is an index file of a very large backup, report it with the request id: the limit is set where the vault builds its upload channel.',
      ],
    },
    es: {
      title: 'Objeto demasiado grande para el canal de subida',
      message: 'La subida de {key} se detuvo tras {limit} bytes, lo máximo que acepta el canal de subida para un objeto; no se guardó nada con esa clave.',
      recommendations: [
        'Compruebe que la extensión de instantáneas de la máquina es una versión que este almacén admite: los paquetes ocupan 64 MiB como mucho, y un objeto mayor no es algo que escriba una copia.',
        'Si el objeto es un fichero de índice de una copia muy grande, informe con el id de petición: el límite se fija donde el almacén construye su canal de subida.',
      ],
    },
  },
  UploadChannelUnexpectedResponse: {
    numericCode: 771603,
    httpStatus: 502,
    retryable: false,
    phase: 'transfer',
    en: {
      title: 'Unexpected answer from the vault\'s upload channel',
      message: 'The vault answered {operation} {key} with HTTP {status}, which the upload channel does not use: {reason}',
      recommendations: [
        'Check that the machine reaches the vault itself and not a proxy in between: `curl --cacert <vault CA> <vault URL>/healthz` on the machine.',
        'Check that the agent and the vault run versions that work together: the vault lists each machine\'s agent version with the virtual machine.',
      ],
    },
    es: {
      title: 'Respuesta inesperada del canal de subida del almacén',
      message: 'El almacén respondió a {operation} {key} con HTTP {status}, que el canal de subida no usa: {reason}',
      recommendations: [
        'Compruebe que la máquina llega al propio almacén y no a un proxy intermedio: `curl --cacert <CA del almacén> <URL del almacén>/healthz` en la máquina.',
        'Compruebe que el agente y el almacén ejecutan versiones compatibles: el almacén muestra la versión del agente de cada máquina con la máquina virtual.',
      ],
    },
  },
});

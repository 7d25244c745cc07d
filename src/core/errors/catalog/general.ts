import { defineErrors } from '../catalog-entry.ts';

/** Failures that belong to no single phase: bad input at a boundary and Arca's own faults. */
export const generalErrors = defineErrors({
  ArcaInternalError: {
    numericCode: 770900,
    httpStatus: 500,
    retryable: true,
    phase: 'vault',
    en: {
      title: 'Internal error',
      message: 'Arca hit an unexpected condition while {operation}. The cause was logged with reference {reference}.',
      recommendations: [
        'Try the operation again; most internal errors are transient.',
        'If it fails again, run `arca doctor --collect-logs` and keep the bundle it writes.',
        'Report the problem with the reference {reference} and the bundle attached.',
      ],
    },
    es: {
      title: 'Error interno',
      message: 'Arca encontró una condición inesperada mientras {operation}. La causa quedó registrada con la referencia {reference}.',
      recommendations: [
        'Vuelva a intentar la operación; la mayoría de los errores internos son pasajeros.',
        'Si vuelve a fallar, ejecute `arca doctor --collect-logs` y conserve el paquete que genera.',
        'Informe del problema indicando la referencia {reference} y adjunte el paquete.',
      ],
    },
  },
  UserErrorInvalidArgument: {
    numericCode: 770901,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Invalid input',
      message: 'The value given for {name} is not valid: {reason}',
      recommendations: [
        'Correct {name} as the message describes and run the command again.',
        'Run the command with `--help` to see the accepted values and an example.',
      ],
    },
    es: {
      title: 'Entrada no válida',
      message: 'El valor indicado para {name} no es válido: {reason}',
      recommendations: [
        'Corrija {name} según indica el mensaje y vuelva a ejecutar el comando.',
        'Ejecute el comando con `--help` para ver los valores aceptados y un ejemplo.',
      ],
    },
  },
  InvalidResourceId: {
    numericCode: 770902,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Malformed resource id',
      message: 'The resource id {resourceId} cannot be read: {reason}',
      recommendations: [
        'Write the id in the form /subscriptions/<subscription>/resourceGroups/<group>/providers/<namespace>/<type>/<name>.',
        'Copy the id from `arca vm show` or `arca vault show -o json` rather than typing it.',
      ],
    },
    es: {
      title: 'Identificador de recurso mal formado',
      message: 'No se puede interpretar el identificador de recurso {resourceId}: {reason}',
      recommendations: [
        'Escriba el identificador con la forma /subscriptions/<subscription>/resourceGroups/<group>/providers/<namespace>/<type>/<name>.',
        'Copie el identificador de `arca vm show` o de `arca vault show -o json` en lugar de escribirlo a mano.',
      ],
    },
  },
  UserErrorInvalidStateTransition: {
    numericCode: 770903,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Operation not allowed in the current state',
      message: '{subject} cannot go from {from} to {to}.',
      recommendations: [
        'Check the current state with `arca vm show` or `arca jobs show`.',
        'Wait for any operation in progress to finish, then try again from a state that allows it.',
      ],
    },
    es: {
      title: 'Operación no permitida en el estado actual',
      message: '{subject} no puede pasar de {from} a {to}.',
      recommendations: [
        'Consulte el estado actual con `arca vm show` o `arca jobs show`.',
        'Espere a que termine cualquier operación en curso y vuelva a intentarlo desde un estado que lo permita.',
      ],
    },
  },
  UserErrorInvalidTimeZone: {
    numericCode: 770904,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Unknown time zone',
      message: 'The time zone {timeZone} is not known. Use an IANA name such as Europe/Madrid or a Windows name such as "Pacific Standard Time".',
      recommendations: [
        'Correct the policy\'s time zone; `UTC` is always accepted.',
        'Save the policy again with `arca policy create --file policy.json`.',
      ],
    },
    es: {
      title: 'Zona horaria desconocida',
      message: 'No se reconoce la zona horaria {timeZone}. Use un nombre IANA como Europe/Madrid o un nombre de Windows como "Pacific Standard Time".',
      recommendations: [
        'Corrija la zona horaria de la directiva; `UTC` se acepta siempre.',
        'Guarde de nuevo la directiva con `arca policy create --file policy.json`.',
      ],
    },
  },
  UserErrorInvalidSchedule: {
    numericCode: 770905,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Invalid backup schedule',
      message: 'The backup schedule is not valid: {reason}',
      recommendations: [
        'Daily and weekly schedules take one start time; hourly schedules run every 4, 6, 8 or 12 hours inside a window.',
        'Fix the schedule and save the policy again; `arca policy show NAME -o json` prints the current one.',
      ],
    },
    es: {
      title: 'Programación de copia de seguridad no válida',
      message: 'La programación de la copia de seguridad no es válida: {reason}',
      recommendations: [
        'Las programaciones diarias y semanales llevan una única hora de inicio; las horarias se ejecutan cada 4, 6, 8 o 12 horas dentro de una ventana.',
        'Corrija la programación y guarde de nuevo la directiva; `arca policy show NOMBRE -o json` muestra la actual.',
      ],
    },
  },
  UserErrorInvalidRetention: {
    numericCode: 770906,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Invalid retention',
      message: 'The retention settings are not valid: {reason}',
      recommendations: [
        'Keep each count within its limit and give weekly, monthly and yearly rules the days they apply to.',
        'Fix the policy and save it again; existing recovery points are not touched until it is valid.',
      ],
    },
    es: {
      title: 'Retención no válida',
      message: 'La configuración de retención no es válida: {reason}',
      recommendations: [
        'Mantenga cada cantidad dentro de su límite e indique los días a los que se aplican las reglas semanales, mensuales y anuales.',
        'Corrija la directiva y guárdela de nuevo; los puntos de recuperación existentes no se modifican hasta que sea válida.',
      ],
    },
  },
  UserErrorInstantRpRetentionOutOfRange: {
    numericCode: 770907,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Instant restore retention out of range',
      message: 'Instant restore points can be kept from {min} to {max} days; the policy asks for {days}.',
      recommendations: [
        'Set `instantRpRetentionRangeInDays` to a whole number from {min} to {max}.',
        'Keep in mind that at most 18 instant points fit per machine: more backups a day need fewer days.',
      ],
    },
    es: {
      title: 'Retención de restauración instantánea fuera de rango',
      message: 'Los puntos de restauración instantánea pueden conservarse de {min} a {max} días; la directiva pide {days}.',
      recommendations: [
        'Asigne a `instantRpRetentionRangeInDays` un número entero entre {min} y {max}.',
        'Tenga en cuenta que caben como máximo 18 puntos instantáneos por máquina: más copias al día exigen menos días.',
      ],
    },
  },
  UserErrorTooManyDisks: {
    numericCode: 770908,
    httpStatus: 400,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'Too many disks',
      message: 'Machine {vmName} has {diskCount} disks; Arca backs up at most {limit} disks per machine.',
      recommendations: [
        'Detach disks the machine does not need, or merge data onto fewer, larger disks.',
        'Run `arca doctor --vm {vmName}` to see the disks the vault knows about.',
      ],
    },
    es: {
      title: 'Demasiados discos',
      message: 'La máquina {vmName} tiene {diskCount} discos; Arca hace copia de seguridad de un máximo de {limit} discos por máquina.',
      recommendations: [
        'Desconecte los discos que la máquina no necesita o reúna los datos en menos discos de mayor tamaño.',
        'Ejecute `arca doctor --vm {vmName}` para ver los discos que conoce el almacén.',
      ],
    },
  },
  UserErrorUnknownErrorCode: {
    numericCode: 770909,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Unknown error code',
      message: 'The catalog has no error code named {code}.',
      recommendations: [
        'Check the spelling; codes are matched without regard to case.',
        'Run `arca errors list` to see every code.',
      ],
    },
    es: {
      title: 'Código de error desconocido',
      message: 'El catálogo no contiene ningún código de error llamado {code}.',
      recommendations: [
        'Revise la ortografía; los códigos se comparan sin distinguir mayúsculas de minúsculas.',
        'Ejecute `arca errors list` para ver todos los códigos.',
      ],
    },
  },
  InvalidAuthenticationToken: {
    numericCode: 770910,
    httpStatus: 401,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Not authenticated',
      message: 'The request carries no valid access token: the bearer token is missing, unknown, revoked or expired.',
      recommendations: [
        'Send the token in the header `Authorization: Bearer arca_...`.',
        'Ask an Owner of the vault for a new token if yours was revoked or has expired.',
        'On a new installation, read the admin token from the file `admin-token` in the server\'s data directory.',
      ],
    },
    es: {
      title: 'No autenticado',
      message: 'La solicitud no lleva un token de acceso válido: el token de portador falta, es desconocido, fue revocado o ha caducado.',
      recommendations: [
        'Envíe el token en la cabecera `Authorization: Bearer arca_...`.',
        'Pida un token nuevo a un propietario (Owner) del almacén si el suyo fue revocado o ha caducado.',
        'En una instalación nueva, lea el token de administración del archivo `admin-token` del directorio de datos del servidor.',
      ],
    },
  },
  AuthorizationFailed: {
    numericCode: 770911,
    httpStatus: 403,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Action not allowed for this role',
      message: 'The principal {principal} has the role {role}, which does not allow the action {action}.',
      recommendations: [
        'Ask an Owner of the vault for a token whose role allows {action}.',
        'Reader may read; BackupOperator may also back up and restore; BackupContributor may also configure policies and protection; only Owner may administer tokens and users.',
      ],
    },
    es: {
      title: 'Acción no permitida para este rol',
      message: 'La entidad {principal} tiene el rol {role}, que no permite la acción {action}.',
      recommendations: [
        'Pida a un propietario (Owner) del almacén un token cuyo rol permita {action}.',
        'Reader puede leer; BackupOperator además puede hacer copias y restaurar; BackupContributor además puede configurar directivas y protección; solo Owner puede administrar tokens y usuarios.',
      ],
    },
  },
  UserErrorRegistrationTokenInvalid: {
    numericCode: 770912,
    httpStatus: 401,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Registration token not valid',
      message: 'The registration token is unknown, has already been used or has expired; each registration token registers one agent once.',
      recommendations: [
        'From the vault, create a new registration token with `arca agent token create --vm <machine>`.',
        'Register the agent again with the new token before it expires.',
      ],
    },
    es: {
      title: 'Token de registro no válido',
      message: 'El token de registro es desconocido, ya se usó o ha caducado; cada token de registro registra un solo agente una sola vez.',
      recommendations: [
        'Desde el almacén, cree un token de registro nuevo con `arca agent token create --vm <máquina>`.',
        'Vuelva a registrar el agente con el token nuevo antes de que caduque.',
      ],
    },
  },
  ServiceUnavailable: {
    numericCode: 770913,
    httpStatus: 503,
    retryable: true,
    phase: 'vault',
    en: {
      title: 'Vault not available',
      message: 'The vault cannot take this request now: {reason}.',
      recommendations: [
        'Try again in a few seconds; the vault may be starting or shutting down.',
        'If it persists, check the server with `arca doctor` and its log with `journalctl -u arca-server`.',
      ],
    },
    es: {
      title: 'Almacén no disponible',
      message: 'El almacén no puede atender esta solicitud ahora: {reason}.',
      recommendations: [
        'Vuelva a intentarlo en unos segundos; puede que el almacén esté arrancando o deteniéndose.',
        'Si persiste, revise el servidor con `arca doctor` y su registro con `journalctl -u arca-server`.',
      ],
    },
  },
});

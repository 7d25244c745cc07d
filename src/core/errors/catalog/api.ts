import { defineErrors } from '../catalog-entry.ts';

/**
 * How a request to the ARM-shaped API can be wrong before any backup rule is looked at: version,
 * subscription, resource group, body, concurrent change, lock. Block 771000.
 */
export const apiErrors = defineErrors({
  MissingApiVersionParameter: {
    numericCode: 771000,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'API version missing',
      message: 'The request has no api-version query parameter. This resource accepts: {supported}.',
      recommendations: [
        'Add `?api-version=<version>` to the URL, with one of the versions listed.',
        'Clients built on the Azure SDK add it themselves; check that the request is not built by hand without it.',
      ],
    },
    es: {
      title: 'Falta la versión de la API',
      message: 'La solicitud no lleva el parámetro api-version. Este recurso acepta: {supported}.',
      recommendations: [
        'Añada `?api-version=<versión>` a la URL con una de las versiones indicadas.',
        'Los clientes basados en el SDK de Azure lo añaden solos; compruebe que la solicitud no se construye a mano sin él.',
      ],
    },
  },
  InvalidApiVersionParameter: {
    numericCode: 771001,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'API version not supported',
      message: 'The api-version {apiVersion} is not served for this resource. Supported: {supported}.',
      recommendations: [
        'Send one of the supported versions in the api-version parameter.',
        'If your client is pinned to another version, use a client release that speaks one of the supported versions.',
      ],
    },
    es: {
      title: 'Versión de la API no admitida',
      message: 'La versión api-version {apiVersion} no se sirve para este recurso. Versiones admitidas: {supported}.',
      recommendations: [
        'Envíe una de las versiones admitidas en el parámetro api-version.',
        'Si su cliente está fijado a otra versión, use una versión del cliente que hable alguna de las admitidas.',
      ],
    },
  },
  SubscriptionNotFound: {
    numericCode: 771002,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Subscription not found',
      message: 'This Arca installation does not serve subscription {subscriptionId}.',
      recommendations: [
        'Use the subscription id the server printed at start-up; it is also in `server.json` in its data directory.',
        'Check that the client points at the right Arca server.',
      ],
    },
    es: {
      title: 'No se encontró la suscripción',
      message: 'Esta instalación de Arca no sirve la suscripción {subscriptionId}.',
      recommendations: [
        'Use el identificador de suscripción que el servidor mostró al arrancar; también está en `server.json`, en su directorio de datos.',
        'Compruebe que el cliente apunta al servidor de Arca correcto.',
      ],
    },
  },
  ResourceGroupNotFound: {
    numericCode: 771003,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Resource group not found',
      message: 'The resource group {resourceGroup} does not exist.',
      recommendations: [
        'Create it first: PUT /subscriptions/<subscription>/resourcegroups/{resourceGroup} with a location.',
        'Check the spelling; resource group names are compared without regard to case.',
      ],
    },
    es: {
      title: 'No se encontró el grupo de recursos',
      message: 'El grupo de recursos {resourceGroup} no existe.',
      recommendations: [
        'Créelo antes: PUT /subscriptions/<suscripción>/resourcegroups/{resourceGroup} con una ubicación.',
        'Revise el nombre; los nombres de grupos de recursos se comparan sin distinguir mayúsculas.',
      ],
    },
  },
  InvalidRequestContent: {
    numericCode: 771004,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Request body not valid',
      message: 'The request body cannot be used: {reason}',
      recommendations: [
        'Correct the field the message names and send the request again.',
        'The OpenAPI document at /arca/openapi.json describes every body the server accepts.',
      ],
    },
    es: {
      title: 'Cuerpo de la solicitud no válido',
      message: 'No se puede usar el cuerpo de la solicitud: {reason}',
      recommendations: [
        'Corrija el campo que indica el mensaje y vuelva a enviar la solicitud.',
        'El documento OpenAPI en /arca/openapi.json describe cada cuerpo que acepta el servidor.',
      ],
    },
  },
  PreconditionFailed: {
    numericCode: 771005,
    httpStatus: 412,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Resource changed meanwhile',
      message: 'The resource {resourceId} changed after you read it (its etag no longer matches), so the change was not applied.',
      recommendations: [
        'Read the resource again, apply your change to what it holds now, and send it with the new etag.',
        'If several tools edit the same resource, let one of them own it.',
      ],
    },
    es: {
      title: 'El recurso cambió entretanto',
      message: 'El recurso {resourceId} cambió después de que lo leyera (su etag ya no coincide), así que el cambio no se aplicó.',
      recommendations: [
        'Vuelva a leer el recurso, aplique su cambio sobre lo que contiene ahora y envíelo con la etag nueva.',
        'Si varias herramientas editan el mismo recurso, deje que solo una se encargue de él.',
      ],
    },
  },
  ScopeLocked: {
    numericCode: 771006,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Blocked by a lock',
      message: 'The {lockLevel} lock {lockName} on {scope} does not allow {operation}.',
      recommendations: [
        'If the change is intended, remove the lock: DELETE {lockId}, or `arca lock delete` once the CLI offers it.',
        'Apply the change, then put the lock back if you still need it.',
      ],
    },
    es: {
      title: 'Bloqueado por un bloqueo de recursos',
      message: 'El bloqueo {lockLevel} {lockName} sobre {scope} no permite {operation}.',
      recommendations: [
        'Si el cambio es intencionado, quite el bloqueo: DELETE {lockId}, o `arca lock delete` cuando la CLI lo ofrezca.',
        'Aplique el cambio y vuelva a poner el bloqueo si aún lo necesita.',
      ],
    },
  },
  ResourceAlreadyExists: {
    numericCode: 771007,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Resource already exists',
      message: 'The resource {resourceId} already exists and this request may only create it.',
      recommendations: [
        'Use another name, or update the existing resource without the If-None-Match header.',
      ],
    },
    es: {
      title: 'El recurso ya existe',
      message: 'El recurso {resourceId} ya existe y esta solicitud solo puede crearlo.',
      recommendations: [
        'Use otro nombre, o actualice el recurso existente sin la cabecera If-None-Match.',
      ],
    },
  },
  ResourceGroupNotEmpty: {
    numericCode: 771008,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Resource group not empty',
      message: 'The resource group {resourceGroup} still holds resources ({resources}); Arca deletes a resource group only when it is empty, so that no machine or vault goes with it by accident.',
      recommendations: [
        'Delete or move the resources it holds first; list them with GET on the resource group\'s resources.',
        'For a vault that protects machines, stop their protection before deleting the vault.',
      ],
    },
    es: {
      title: 'El grupo de recursos no está vacío',
      message: 'El grupo de recursos {resourceGroup} aún contiene recursos ({resources}); Arca solo elimina un grupo de recursos vacío, para que ninguna máquina ni almacén se pierda por descuido.',
      recommendations: [
        'Elimine o mueva antes los recursos que contiene; consúltelos con GET sobre los recursos del grupo.',
        'Si un almacén protege máquinas, detenga su protección antes de eliminar el almacén.',
      ],
    },
  },
});

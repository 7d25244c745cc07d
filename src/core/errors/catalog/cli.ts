import { defineErrors } from '../catalog-entry.ts';

/**
 * The `arca` command line as a client of the vault's API: contexts, sign-in, reaching the server,
 * answers it cannot read, waiting for operations. Block 771650–771699.
 */
export const cliErrors = defineErrors({
  CliNotSignedIn: {
    numericCode: 771650,
    httpStatus: 401,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Not signed in to a vault',
      message: 'There is no current context in {configFile}, so this command does not know which Arca server to call or with which credentials.',
      recommendations: [
        'Sign in with `arca login --server https://HOST:8443 --ca ca.pem --token-file TOKEN_FILE` (the server prints where its CA and admin token are).',
        'If you signed in before under another name, list the contexts with `arca context list` and pick one with `arca context use NAME`.',
        'If the configuration lives elsewhere, point ARCA_CONFIG at it.',
      ],
    },
    es: {
      title: 'Sin sesión en ningún almacén',
      message: 'No hay contexto actual en {configFile}, así que este comando no sabe a qué servidor de Arca llamar ni con qué credenciales.',
      recommendations: [
        'Inicie sesión con `arca login --server https://HOST:8443 --ca ca.pem --token-file FICHERO_TOKEN` (el servidor indica dónde están su CA y el token de administración).',
        'Si ya inició sesión con otro nombre, vea los contextos con `arca context list` y elija uno con `arca context use NOMBRE`.',
        'Si la configuración está en otro sitio, indíquelo con ARCA_CONFIG.',
      ],
    },
  },
  CliContextNotFound: {
    numericCode: 771651,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'No such context',
      message: 'The configuration {configFile} has no context named {context}.',
      recommendations: ['List the contexts with `arca context list`.', 'Create it with `arca login --name {context} --server URL --ca FILE --token-file FILE`.'],
    },
    es: {
      title: 'Contexto inexistente',
      message: 'La configuración {configFile} no tiene ningún contexto llamado {context}.',
      recommendations: ['Vea los contextos con `arca context list`.', 'Créelo con `arca login --name {context} --server URL --ca FICHERO --token-file FICHERO`.'],
    },
  },
  CliConfigInsecure: {
    numericCode: 771652,
    httpStatus: 403,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Configuration file readable by others',
      message: 'The configuration {configFile} holds credentials but its mode is {mode}: other users of this machine could read them. It is not used until only its owner can read it.',
      recommendations: [
        'Make it private with `chmod 600 {configFile}` (and `chmod 700` on its folder).',
        'If others may already have read it, revoke the tokens it holds (`DELETE /arca/tokens/ID`) and sign in again with `arca login`.',
      ],
    },
    es: {
      title: 'Fichero de configuración legible por otros',
      message: 'La configuración {configFile} guarda credenciales pero su modo es {mode}: otros usuarios de esta máquina podrían leerlas. No se usa hasta que solo su propietario pueda leerla.',
      recommendations: [
        'Hágala privada con `chmod 600 {configFile}` (y `chmod 700` en su carpeta).',
        'Si otros ya pudieron leerla, revoque los tokens que contiene (`DELETE /arca/tokens/ID`) e inicie sesión de nuevo con `arca login`.',
      ],
    },
  },
  CliConfigInvalid: {
    numericCode: 771653,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Configuration file cannot be read',
      message: 'The configuration {configFile} is not what `arca login` writes: {reason}.',
      recommendations: ['Move the file aside and sign in again with `arca login`.', 'Or correct it by hand: it is JSON with `current` and `contexts`.'],
    },
    es: {
      title: 'No se puede leer el fichero de configuración',
      message: 'La configuración {configFile} no es lo que escribe `arca login`: {reason}.',
      recommendations: ['Aparte el fichero e inicie sesión de nuevo con `arca login`.', 'O corríjalo a mano: es JSON con `current` y `contexts`.'],
    },
  },
  CliServerUnreachable: {
    numericCode: 771654,
    httpStatus: 503,
    retryable: true,
    phase: 'vault',
    en: {
      title: 'Arca server not reachable',
      message: 'The call to {url} did not get an answer: {reason}.',
      recommendations: [
        'Check that the server runs (`curl --cacert CA {url}/healthz` on a machine that reaches it) and listens on that address and port.',
        'Check firewalls and proxies between this machine and the server.',
        'Run the command again.',
      ],
    },
    es: {
      title: 'No se llega al servidor de Arca',
      message: 'La llamada a {url} no obtuvo respuesta: {reason}.',
      recommendations: [
        'Compruebe que el servidor está en marcha (`curl --cacert CA {url}/healthz` desde una máquina que llegue a él) y escucha en esa dirección y puerto.',
        'Revise los cortafuegos y proxies entre esta máquina y el servidor.',
        'Vuelva a ejecutar el comando.',
      ],
    },
  },
  CliServerCertificateRejected: {
    numericCode: 771655,
    httpStatus: 502,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Server certificate not trusted',
      message: 'The certificate of {url} was not issued by the CA this context trusts ({reason}), so nothing was sent to it.',
      recommendations: [
        'Check that the URL names your Arca server and not another service on that port.',
        'If the server\'s CA was replaced, sign in again with its new CA: `arca login --server {url} --ca NEW_CA_FILE …`.',
      ],
    },
    es: {
      title: 'Certificado del servidor no fiable',
      message: 'El certificado de {url} no lo emitió la CA en la que confía este contexto ({reason}), así que no se le envió nada.',
      recommendations: [
        'Compruebe que la URL corresponde a su servidor de Arca y no a otro servicio en ese puerto.',
        'Si se sustituyó la CA del servidor, inicie sesión de nuevo con la nueva: `arca login --server {url} --ca FICHERO_CA_NUEVO …`.',
      ],
    },
  },
  CliUnexpectedResponse: {
    numericCode: 771656,
    httpStatus: 502,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Answer from the server not understood',
      message: '{method} {path} was answered with HTTP {status} and {what}, which this version of `arca` does not understand.',
      recommendations: [
        'Check that client and server are the same version: `arca --version` here, and `/healthz` on the server.',
        'Run the command again with `-o json` and report the answer with its request id if it persists.',
      ],
    },
    es: {
      title: 'Respuesta del servidor no comprensible',
      message: '{method} {path} recibió HTTP {status} y {what}, que esta versión de `arca` no entiende.',
      recommendations: [
        'Compruebe que cliente y servidor son la misma versión: `arca --version` aquí y `/healthz` en el servidor.',
        'Vuelva a ejecutar el comando con `-o json` e informe de la respuesta con su id de petición si persiste.',
      ],
    },
  },
  CliVaultNotChosen: {
    numericCode: 771657,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Which vault?',
      message: 'This command works on a vault, and none was named: {reason}.',
      recommendations: [
        'Name it with `--vault NAME` (and `--resource-group RG` when two groups hold vaults of that name).',
        'Or make it the default of this context: `arca context set --vault NAME --resource-group RG`.',
        '`arca vault list` shows the vaults.',
      ],
    },
    es: {
      title: '¿Qué almacén?',
      message: 'Este comando actúa sobre un almacén y no se indicó ninguno: {reason}.',
      recommendations: [
        'Indíquelo con `--vault NOMBRE` (y `--resource-group GRUPO` si dos grupos tienen almacenes con ese nombre).',
        'O hágalo el predeterminado de este contexto: `arca context set --vault NOMBRE --resource-group GRUPO`.',
        '`arca vault list` muestra los almacenes.',
      ],
    },
  },
  CliNameAmbiguous: {
    numericCode: 771658,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Name matches several resources',
      message: 'The {kind} name {name} is used in several resource groups ({groups}).',
      recommendations: ['Say which with `--resource-group` (for a vault) or `--vm-resource-group` (for a machine).', 'Or give the full resource id instead of the name.'],
    },
    es: {
      title: 'El nombre coincide con varios recursos',
      message: 'El nombre de {kind} {name} se usa en varios grupos de recursos ({groups}).',
      recommendations: ['Indique cuál con `--resource-group` (para un almacén) o `--vm-resource-group` (para una máquina).', 'O dé el id completo del recurso en lugar del nombre.'],
    },
  },
  CliWaitTimedOut: {
    numericCode: 771659,
    httpStatus: 504,
    retryable: true,
    phase: 'job',
    en: {
      title: 'Stopped waiting',
      message: 'The {what} was still running after {seconds} seconds, the most this command waits. It goes on in the vault.',
      recommendations: ['Follow it with `arca job watch {jobId}` or look at it with `arca job show {jobId}`.', 'Give a longer `--timeout` next time.'],
    },
    es: {
      title: 'Se dejó de esperar',
      message: 'La operación ({what}) seguía en curso tras {seconds} segundos, lo máximo que espera este comando. Continúa en el almacén.',
      recommendations: ['Sígala con `arca job watch {jobId}` o consúltela con `arca job show {jobId}`.', 'Dé un `--timeout` mayor la próxima vez.'],
    },
  },
});

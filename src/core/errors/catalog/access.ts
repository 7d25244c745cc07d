import { defineErrors } from '../catalog-entry.ts';

/**
 * Signing in and managing who may: principals, client secrets, the OAuth token endpoint. Block 771100.
 * The token endpoint answers these in OAuth's shape (`error_codes` carries the numeric code); the
 * `/arca/principals` routes in ARM's envelope.
 */
export const accessErrors = defineErrors({
  InvalidClientCredentials: {
    numericCode: 771100,
    httpStatus: 401,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Client credentials not accepted',
      message: 'No token was issued: the client id is unknown, the client secret does not match it, or the service principal has been revoked.',
      recommendations: [
        'Check that the client id and the client secret are the pair the vault showed when the service principal was created; the secret is shown only then.',
        'If the secret is lost or the principal was revoked, ask an Owner to create a new service principal with `POST /arca/principals`.',
      ],
    },
    es: {
      title: 'Credenciales de cliente no aceptadas',
      message: 'No se emitió ningún token: el id de cliente es desconocido, el secreto de cliente no le corresponde o la entidad de servicio fue revocada.',
      recommendations: [
        'Compruebe que el id y el secreto de cliente son la pareja que mostró el almacén al crear la entidad de servicio; el secreto solo se muestra entonces.',
        'Si perdió el secreto o la entidad fue revocada, pida a un propietario (Owner) que cree una entidad de servicio nueva con `POST /arca/principals`.',
      ],
    },
  },
  TenantNotFound: {
    numericCode: 771101,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Unknown tenant',
      message: 'This Arca installation does not issue tokens for tenant {tenantId}.',
      recommendations: [
        'Use the tenant id in `server.json` in the server\'s data directory: POST /<tenantId>/oauth2/v2.0/token.',
        'Check that the client points at the right Arca server.',
      ],
    },
    es: {
      title: 'Inquilino desconocido',
      message: 'Esta instalación de Arca no emite tokens para el inquilino (tenant) {tenantId}.',
      recommendations: [
        'Use el id de inquilino que figura en `server.json`, en el directorio de datos del servidor: POST /<tenantId>/oauth2/v2.0/token.',
        'Compruebe que el cliente apunta al servidor de Arca correcto.',
      ],
    },
  },
  TooManySignInAttempts: {
    numericCode: 771102,
    httpStatus: 429,
    retryable: true,
    phase: 'vault',
    en: {
      title: 'Too many failed sign-ins',
      message: 'Sign-ins for this client failed too often in a short time; the vault refuses them for the next {retryAfter} seconds.',
      recommendations: [
        'Wait for the time given in the Retry-After header, then try once with the correct client secret.',
        'If a script keeps retrying with an old secret, stop it and give it the current one.',
      ],
    },
    es: {
      title: 'Demasiados inicios de sesión fallidos',
      message: 'Los inicios de sesión de este cliente fallaron demasiadas veces en poco tiempo; el almacén los rechaza durante los próximos {retryAfter} segundos.',
      recommendations: [
        'Espere el tiempo que indica la cabecera Retry-After y vuelva a intentarlo una vez con el secreto de cliente correcto.',
        'Si un script sigue reintentando con un secreto antiguo, deténgalo y dele el actual.',
      ],
    },
  },
  InvalidTokenRequest: {
    numericCode: 771103,
    httpStatus: 400,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Token request not valid',
      message: 'The token request cannot be used: {reason}.',
      recommendations: [
        'Send a form-encoded body: grant_type=client_credentials&client_id=<id>&client_secret=<secret>&scope=<scope>.',
        'Set the header `Content-Type: application/x-www-form-urlencoded`.',
      ],
    },
    es: {
      title: 'Solicitud de token no válida',
      message: 'No se puede usar la solicitud de token: {reason}.',
      recommendations: [
        'Envíe un cuerpo codificado como formulario: grant_type=client_credentials&client_id=<id>&client_secret=<secreto>&scope=<ámbito>.',
        'Ponga la cabecera `Content-Type: application/x-www-form-urlencoded`.',
      ],
    },
  },
  PrincipalNotFound: {
    numericCode: 771104,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Principal not found',
      message: 'There is no user or service principal with id {principalId}.',
      recommendations: [
        'List the principals with GET /arca/principals and use one of their ids.',
      ],
    },
    es: {
      title: 'No se encontró la entidad',
      message: 'No existe ningún usuario ni entidad de servicio con el id {principalId}.',
      recommendations: [
        'Consulte las entidades con GET /arca/principals y use uno de sus ids.',
      ],
    },
  },
});

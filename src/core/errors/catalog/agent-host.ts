import { defineErrors } from '../catalog-entry.ts';

/**
 * The `arca agent` daemon on the machine itself: its configuration file, its registration with a
 * vault (the pinned CA, the stored credentials) and its connection to the vault.
 */
export const agentHostErrors = defineErrors({
  AgentConfigurationInvalid: {
    numericCode: 771500,
    httpStatus: 400,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent configuration file has errors',
      message: 'The agent configuration {path} has {count} problem(s): {findings}. The agent does not start with a configuration it cannot read as written, so that no setting is silently ignored.',
      recommendations: [
        'Run `arca agent config check --config {path}`: it lists every problem with its line number.',
        'Fix or remove each line it names. Keys are written `Key=Value`, booleans as `y` or `n`, comments start with `#`; unknown keys are refused, so check the spelling against the list `arca agent config check` prints.',
        'Restart the agent with `sudo systemctl restart arca-agent`.',
      ],
    },
    es: {
      title: 'El archivo de configuración del agente tiene errores',
      message: 'La configuración del agente {path} tiene {count} problema(s): {findings}. El agente no arranca con una configuración que no puede leer tal como está escrita, para que ningún valor se ignore en silencio.',
      recommendations: [
        'Ejecute `arca agent config check --config {path}`: muestra cada problema con su número de línea.',
        'Corrija o elimine cada línea indicada. Las claves se escriben `Clave=Valor`, los booleanos como `y` o `n` y los comentarios empiezan por `#`; las claves desconocidas se rechazan, así que compare la ortografía con la lista que muestra `arca agent config check`.',
        'Reinicie el agente con `sudo systemctl restart arca-agent`.',
      ],
    },
  },
  AgentAlreadyRegistered: {
    numericCode: 771501,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent already registered',
      message: 'This machine is already registered with the vault at {vaultUrl} as machine {machineId}; its credentials are in {libDir}. Registering again would replace them.',
      recommendations: [
        'If the agent works, there is nothing to do: check it with `sudo systemctl status arca-agent`.',
        'To register again (a new vault, a new CA, lost credentials), create a new token on the vault with `arca agent token create --vm VM_NAME` and run `arca agent register` with `--force`.',
      ],
    },
    es: {
      title: 'El agente ya está registrado',
      message: 'Esta máquina ya está registrada en el almacén {vaultUrl} como máquina {machineId}; sus credenciales están en {libDir}. Registrarla de nuevo las sustituiría.',
      recommendations: [
        'Si el agente funciona, no hay nada que hacer: compruébelo con `sudo systemctl status arca-agent`.',
        'Para registrarla de nuevo (otro almacén, otra CA, credenciales perdidas), cree un token nuevo en el almacén con `arca agent token create --vm VM_NAME` y ejecute `arca agent register` con `--force`.',
      ],
    },
  },
  AgentCaFingerprintMismatch: {
    numericCode: 771502,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Vault certificate does not match the pinned fingerprint',
      message: 'The server at {vaultUrl} presented no CA certificate with the SHA-256 fingerprint {expected} given with the registration token (it presented: {presented}). The agent did not trust it and sent nothing.',
      recommendations: [
        'Check that the URL points at your vault and not at another server or a TLS-inspecting proxy.',
        'Compare the fingerprint with the one the vault gave when the token was created (`caFingerprint` in the answer of POST /arca/registrationTokens) and copy it again.',
        'If a proxy inspects TLS, exempt the vault\'s address from inspection, then run `arca agent register` again.',
      ],
    },
    es: {
      title: 'El certificado del almacén no coincide con la huella fijada',
      message: 'El servidor {vaultUrl} no presentó ningún certificado de CA con la huella SHA-256 {expected} indicada con el token de registro (presentó: {presented}). El agente no confió en él y no envió nada.',
      recommendations: [
        'Compruebe que la URL apunta a su almacén y no a otro servidor ni a un proxy que inspeccione TLS.',
        'Compare la huella con la que dio el almacén al crear el token (`caFingerprint` en la respuesta de POST /arca/registrationTokens) y cópiela de nuevo.',
        'Si un proxy inspecciona TLS, excluya de la inspección la dirección del almacén y ejecute de nuevo `arca agent register`.',
      ],
    },
  },
  AgentNotRegistered: {
    numericCode: 771503,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent not registered',
      message: 'The agent has no credentials in {libDir}: {reason}. It cannot speak to a vault before the machine is registered.',
      recommendations: [
        'On the vault, create a registration token for this machine with `arca agent token create --vm VM_NAME`.',
        'On the machine, run `arca agent register --vault URL --token TOKEN --machine-id ID --ca-fingerprint FINGERPRINT`, then start the agent with `sudo systemctl start arca-agent`.',
        'If the agent runs with another `Lib.Dir` than the one used when registering, make both use the same directory in `/etc/arca/agent.conf`.',
      ],
    },
    es: {
      title: 'Agente no registrado',
      message: 'El agente no tiene credenciales en {libDir}: {reason}. No puede comunicarse con un almacén antes de registrar la máquina.',
      recommendations: [
        'En el almacén, cree un token de registro para esta máquina con `arca agent token create --vm VM_NAME`.',
        'En la máquina, ejecute `arca agent register --vault URL --token TOKEN --machine-id ID --ca-fingerprint HUELLA` e inicie después el agente con `sudo systemctl start arca-agent`.',
        'Si el agente se ejecuta con un `Lib.Dir` distinto del usado al registrarse, haga que ambos usen el mismo directorio en `/etc/arca/agent.conf`.',
      ],
    },
  },
  AgentVaultUnreachable: {
    numericCode: 771504,
    httpStatus: 503,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'Vault not reachable from the machine',
      message: 'The agent could not reach the vault at {endpoint}: {reason}.',
      recommendations: [
        'Check from the machine that the address resolves and the port is open: `curl --cacert /var/lib/arca-agent/ca.pem {endpoint}/healthz`.',
        'If the machine reaches the network through a proxy, set `HttpProxy.Host` and `HttpProxy.Port` in `/etc/arca/agent.conf` and restart the agent.',
        'Check that the vault is running (`arca server` prints where it listens) and that no firewall between the two drops the traffic.',
      ],
    },
    es: {
      title: 'El almacén no es accesible desde la máquina',
      message: 'El agente no pudo llegar al almacén en {endpoint}: {reason}.',
      recommendations: [
        'Compruebe desde la máquina que la dirección se resuelve y el puerto está abierto: `curl --cacert /var/lib/arca-agent/ca.pem {endpoint}/healthz`.',
        'Si la máquina sale a la red a través de un proxy, establezca `HttpProxy.Host` y `HttpProxy.Port` en `/etc/arca/agent.conf` y reinicie el agente.',
        'Compruebe que el almacén está en ejecución (`arca server` indica dónde escucha) y que ningún cortafuegos entre ambos descarta el tráfico.',
      ],
    },
  },
  AgentVaultRefused: {
    numericCode: 771505,
    httpStatus: 502,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Vault refused the agent\'s request',
      message: 'The vault answered the agent\'s {operation} with HTTP {status} {code}: {reason}',
      recommendations: [
        'Look the code up with `arca errors show {code}` and follow its steps.',
        'If the code is about the agent\'s credentials (InvalidAuthenticationToken, AuthorizationFailed), register the machine again with a new token and `arca agent register --force`.',
      ],
    },
    es: {
      title: 'El almacén rechazó la petición del agente',
      message: 'El almacén respondió a la operación {operation} del agente con HTTP {status} {code}: {reason}',
      recommendations: [
        'Consulte el código con `arca errors show {code}` y siga sus pasos.',
        'Si el código se refiere a las credenciales del agente (InvalidAuthenticationToken, AuthorizationFailed), registre de nuevo la máquina con un token nuevo y `arca agent register --force`.',
      ],
    },
  },
  AgentDiskUnreadable: {
    numericCode: 771506,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Disk of the machine cannot be read',
      message: 'The agent cannot read disk {path}: {reason}. It cannot report the disk\'s size and encryption to the vault, nor can the snapshot extension back it up.',
      recommendations: [
        'Check that {path} exists and that the agent, which runs as root, can open it: `sudo stat {path}`.',
        'If the disks are listed in `/etc/arca/agent.conf` (`Disks=`), correct the entry; remove the line to let the agent find the machine\'s block devices itself.',
      ],
    },
    es: {
      title: 'No se puede leer un disco de la máquina',
      message: 'El agente no puede leer el disco {path}: {reason}. No puede comunicar al almacén el tamaño ni el cifrado del disco, ni la extensión de instantáneas puede hacer su copia de seguridad.',
      recommendations: [
        'Compruebe que {path} existe y que el agente, que se ejecuta como root, puede abrirlo: `sudo stat {path}`.',
        'Si los discos se indican en `/etc/arca/agent.conf` (`Disks=`), corrija la entrada; elimine la línea para que el agente encuentre él mismo los dispositivos de bloques de la máquina.',
      ],
    },
  },
});

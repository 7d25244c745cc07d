import { defineErrors } from '../catalog-entry.ts';

/** The guest agent on the machine: presence, version, configuration, and its path to the vault. */
export const agentErrors = defineErrors({
  UserErrorGuestAgentStatusUnavailable: {
    numericCode: 770100,
    httpStatus: 503,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Guest agent not reporting to the vault',
      message: 'The guest agent on {vmName} has not reported its status to the vault within the expected window, so the vault cannot ask it to take a snapshot. The agent may be stopped, outdated, stuck or not installed.',
      recommendations: [
        'On the machine, check the agent with `sudo systemctl status arca-agent`; if it is stopped or failed, restart it with `sudo systemctl restart arca-agent`.',
        'Run `arca doctor` on the machine: it checks the service, its version, `/etc/arca/agent.conf` and whether the vault endpoint can be reached.',
        'From the vault, run `arca vm show {vmName}` and confirm that the agent status is Ready and that every extension succeeded; for a failed extension see `arca errors show UserErrorVmProvisioningStateFailed`.',
        'Once the agent reports Ready, start a backup with `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'El agente invitado no informa al almacén',
      message: 'El agente invitado de {vmName} no ha enviado su estado al almacén dentro del plazo previsto, así que el almacén no puede pedirle que tome una instantánea. Es posible que el agente esté detenido, desactualizado, bloqueado o sin instalar.',
      recommendations: [
        'En la máquina, compruebe el agente con `sudo systemctl status arca-agent`; si está detenido o ha fallado, reinícielo con `sudo systemctl restart arca-agent`.',
        'Ejecute `arca doctor` en la máquina: comprueba el servicio, su versión, `/etc/arca/agent.conf` y si se llega al punto de conexión del almacén.',
        'Desde el almacén, ejecute `arca vm show {vmName}` y confirme que el estado del agente es Ready y que todas las extensiones se completaron correctamente; si alguna ha fallado, consulte `arca errors show UserErrorVmProvisioningStateFailed`.',
        'Cuando el agente informe Ready, inicie una copia de seguridad con `arca backup now --vm {vmName}`.',
      ],
    },
  },
  GuestAgentSnapshotTaskStatusError: {
    numericCode: 770101,
    httpStatus: 503,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'No snapshot status from the guest agent',
      message: 'The vault asked the agent on {vmName} to run the snapshot task but never received the task\'s status. Without it the vault cannot tell whether a snapshot was taken, so the backup fails.',
      recommendations: [
        'Run `arca doctor --vm {vmName}` from the vault; it shows when the agent last reported and the state of the VMSnapshot extension.',
        'On the machine, make sure the agent is running and up to date: `sudo systemctl status arca-agent`, then `arca doctor`, which also flags an outdated agent.',
        'Check that `/etc/arca/agent.conf` sets `Extensions.Enabled=y` and `Provisioning.Agent=auto`; after any change, run `sudo systemctl restart arca-agent`.',
        'If SELinux, AppArmor or an application-control tool is active, make sure it lets the VMSnapshot extension run from `/var/lib/arca/extensions/VMSnapshot`.',
        'Try again with `arca backup now --vm {vmName}`; if it fails again, run `arca doctor --collect-logs` on the machine and keep the bundle.',
      ],
    },
    es: {
      title: 'Sin estado de la instantánea del agente invitado',
      message: 'El almacén pidió al agente de {vmName} que ejecutara la tarea de instantánea, pero nunca recibió el estado de la tarea. Sin ese estado el almacén no sabe si se tomó la instantánea, por lo que la copia de seguridad falla.',
      recommendations: [
        'Ejecute `arca doctor --vm {vmName}` desde el almacén; muestra cuándo informó el agente por última vez y el estado de la extensión VMSnapshot.',
        'En la máquina, asegúrese de que el agente está en ejecución y actualizado: `sudo systemctl status arca-agent` y después `arca doctor`, que también avisa si el agente está obsoleto.',
        'Compruebe que `/etc/arca/agent.conf` contiene `Extensions.Enabled=y` y `Provisioning.Agent=auto`; tras cualquier cambio, ejecute `sudo systemctl restart arca-agent`.',
        'Si SELinux, AppArmor o una herramienta de control de aplicaciones está activa, asegúrese de que permite ejecutar la extensión VMSnapshot desde `/var/lib/arca/extensions/VMSnapshot`.',
        'Vuelva a intentarlo con `arca backup now --vm {vmName}`; si falla de nuevo, ejecute `arca doctor --collect-logs` en la máquina y conserve el paquete.',
      ],
    },
  },
  UserErrorGuestAgentNotInstalled: {
    numericCode: 770102,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Guest agent not installed',
      message: 'No Arca guest agent is installed and registered on {vmName}. Backup cannot work without it: the agent runs the VMSnapshot extension that freezes the file systems and takes the snapshots. Machines brought in from elsewhere or built from custom images often lack it.',
      recommendations: [
        'Install the Arca agent on the machine.',
        'From the vault, create a registration token with `arca agent token create --vm {vmName}`.',
        'On the machine, register the agent with `arca agent register --token TOKEN` and check that it runs with `sudo systemctl status arca-agent`.',
        'Confirm with `arca vm show {vmName}` that the agent status is Ready, then run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Agente invitado no instalado',
      message: 'En {vmName} no hay ningún agente invitado de Arca instalado y registrado. La copia de seguridad no funciona sin él: el agente ejecuta la extensión VMSnapshot, que inmoviliza los sistemas de archivos y toma las instantáneas. Las máquinas traídas de otro entorno o creadas a partir de imágenes personalizadas suelen carecer de él.',
      recommendations: [
        'Instale el agente de Arca en la máquina.',
        'Desde el almacén, cree un token de registro con `arca agent token create --vm {vmName}`.',
        'En la máquina, registre el agente con `arca agent register --token TOKEN` y compruebe que se ejecuta con `sudo systemctl status arca-agent`.',
        'Confirme con `arca vm show {vmName}` que el estado del agente es Ready y, después, ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorGuestAgentOutdated: {
    numericCode: 770103,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Guest agent out of date',
      message: 'The agent on {vmName} is version {version}, older than the {minimumVersion} backup needs, so the snapshot extension\'s operation failed. Most agent and extension failures on old agents go away after an update.',
      recommendations: [
        'Make sure no backup of the machine is running: `arca jobs list --vm {vmName} --status InProgress` should list nothing.',
        'Update the agent to {minimumVersion} or later from the same package source it was installed from; do not copy agent files onto the machine by hand.',
        'To keep it current, set `AutoUpdate.Enabled=y` in `/etc/arca/agent.conf` and run `sudo systemctl restart arca-agent`.',
        'Check the version the vault now sees with `arca vm show {vmName}`, then run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Agente invitado desactualizado',
      message: 'El agente de {vmName} tiene la versión {version}, anterior a la {minimumVersion} que necesita la copia de seguridad, por lo que ha fallado la operación de la extensión de instantáneas. La mayoría de los errores del agente y de las extensiones en agentes antiguos desaparecen al actualizar.',
      recommendations: [
        'Asegúrese de que no hay ninguna copia de seguridad de la máquina en curso: `arca jobs list --vm {vmName} --status InProgress` no debe mostrar nada.',
        'Actualice el agente a la versión {minimumVersion} o posterior desde el mismo origen de paquetes con el que se instaló; no copie los archivos del agente a mano en la máquina.',
        'Para mantenerlo al día, establezca `AutoUpdate.Enabled=y` en `/etc/arca/agent.conf` y ejecute `sudo systemctl restart arca-agent`.',
        'Compruebe con `arca vm show {vmName}` la versión que ve ahora el almacén y, después, ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  VmAgentNotResponding: {
    numericCode: 770104,
    httpStatus: 504,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'Guest agent not responding',
      message: 'The agent on {vmName} did not answer the vault in time, so the operation could not be carried out. The agent process may be hung or dead, or the network path between the machine and the vault may be blocked.',
      recommendations: [
        'On the machine, restart the agent with `sudo systemctl restart arca-agent` and read `journalctl -u arca-agent` for why it stopped answering.',
        'Run `arca doctor` on the machine; it checks the service, the configuration and the connection to the vault, and `arca doctor --fix` repairs what is safe to repair.',
        'If the agent keeps hanging, set `Logs.Verbose=y` in `/etc/arca/agent.conf`, restart it, reproduce the problem and collect the logs with `arca doctor --collect-logs`.',
        'Try the operation again, for a backup with `arca backup now --vm {vmName}`; if the agent looks healthy and the failure persists, restart the machine.',
      ],
    },
    es: {
      title: 'El agente invitado no responde',
      message: 'El agente de {vmName} no respondió al almacén a tiempo, por lo que no se pudo llevar a cabo la operación. Puede que el proceso del agente esté colgado o haya terminado, o que la ruta de red entre la máquina y el almacén esté bloqueada.',
      recommendations: [
        'En la máquina, reinicie el agente con `sudo systemctl restart arca-agent` y consulte `journalctl -u arca-agent` para saber por qué dejó de responder.',
        'Ejecute `arca doctor` en la máquina; comprueba el servicio, la configuración y la conexión con el almacén, y `arca doctor --fix` corrige lo que es seguro corregir.',
        'Si el agente se sigue colgando, establezca `Logs.Verbose=y` en `/etc/arca/agent.conf`, reinícielo, reproduzca el problema y recopile los registros con `arca doctor --collect-logs`.',
        'Vuelva a intentar la operación, en el caso de una copia de seguridad con `arca backup now --vm {vmName}`; si el agente parece sano y el error continúa, reinicie la máquina.',
      ],
    },
  },
  ExtensionSnapshotFailedNoNetwork: {
    numericCode: 770105,
    httpStatus: 503,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'No network path to the vault',
      message: 'The VMSnapshot extension on {vmName} could not reach {endpoint}, so the snapshot could not be taken. Outbound traffic from the machine is blocked, the name does not resolve, or a proxy is required and not configured.',
      recommendations: [
        'Run `arca doctor` on the machine; it tests name resolution, the ports, TLS and the proxy on the way to {endpoint}.',
        'Allow outbound connections from the machine to {endpoint} in the guest firewall and in every firewall or security group along the path.',
        'If the machine must go through a proxy, set `HttpProxy.Host` and `HttpProxy.Port` in `/etc/arca/agent.conf` and run `sudo systemctl restart arca-agent`.',
        'If the machine gets its address by DHCP, make sure the DHCP client is running and holds a lease; `arca doctor` reports it.',
        'Try again with `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Sin ruta de red hacia el almacén',
      message: 'La extensión VMSnapshot de {vmName} no pudo llegar a {endpoint}, así que no se pudo tomar la instantánea. El tráfico saliente de la máquina está bloqueado, el nombre no se resuelve o hace falta un proxy que no está configurado.',
      recommendations: [
        'Ejecute `arca doctor` en la máquina; comprueba la resolución de nombres, los puertos, TLS y el proxy en el camino hacia {endpoint}.',
        'Permita las conexiones salientes de la máquina hacia {endpoint} en el firewall del invitado y en cada firewall o grupo de seguridad del recorrido.',
        'Si la máquina debe salir a través de un proxy, establezca `HttpProxy.Host` y `HttpProxy.Port` en `/etc/arca/agent.conf` y ejecute `sudo systemctl restart arca-agent`.',
        'Si la máquina obtiene su dirección por DHCP, asegúrese de que el cliente DHCP está en ejecución y tiene una concesión; `arca doctor` lo indica.',
        'Vuelva a intentarlo con `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionFailedTimeoutVMNetworkUnresponsive: {
    numericCode: 770106,
    httpStatus: 504,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'Snapshot timed out waiting on the network',
      message: 'The network calls the VMSnapshot extension on {vmName} makes during the snapshot took too long, and the operation timed out. This usually means the machine was short of CPU, memory or I/O at that moment.',
      recommendations: [
        'Try again with `arca backup now --vm {vmName}` at a time when the machine is less busy.',
        'Run `arca doctor` on the machine during the backup window; it reports CPU and memory pressure and the latency to the vault.',
        'If the machine is always busy at its scheduled time, move the backup time of its policy to a quieter hour; `arca vm show {vmName}` names the policy.',
      ],
    },
    es: {
      title: 'La instantánea agotó el tiempo de espera de la red',
      message: 'Las llamadas de red que hace la extensión VMSnapshot de {vmName} durante la instantánea tardaron demasiado y la operación agotó el tiempo de espera. Normalmente indica que a la máquina le faltaban CPU, memoria o E/S en ese momento.',
      recommendations: [
        'Vuelva a intentarlo con `arca backup now --vm {vmName}` en un momento en que la máquina esté menos ocupada.',
        'Ejecute `arca doctor` en la máquina durante la ventana de copia de seguridad; informa de la presión de CPU y memoria y de la latencia hacia el almacén.',
        'Si la máquina siempre está ocupada a la hora programada, pase la hora de copia de seguridad de su directiva a un momento más tranquilo; `arca vm show {vmName}` indica cuál es la directiva.',
      ],
    },
  },
  UserErrorSecureChannelFailed: {
    numericCode: 770107,
    httpStatus: 503,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Secure channel to the vault failed',
      message: 'The agent on {vmName} could not establish a TLS connection to {endpoint}: {reason}. The usual causes are a certificate the agent does not trust, a machine clock far from the correct time, or a TLS version one side refuses.',
      recommendations: [
        'Check that the machine\'s clock is correct and synchronised (`timedatectl` shows it); certificates are rejected when the clock is off.',
        'Run `arca doctor` on the machine; it shows the certificate {endpoint} presents, the CA the agent pinned when it registered, and the TLS versions tried.',
        'If the vault\'s CA or address changed after the machine registered, create a new token with `arca agent token create --vm {vmName}` and run `arca agent register --token TOKEN` on the machine.',
        'If a proxy inspects TLS traffic, exempt {endpoint} from inspection: the agent accepts only the certificate chain of the vault it registered with.',
      ],
    },
    es: {
      title: 'Falló el canal seguro con el almacén',
      message: 'El agente de {vmName} no pudo establecer una conexión TLS con {endpoint}: {reason}. Las causas habituales son un certificado en el que el agente no confía, un reloj de la máquina muy desviado de la hora correcta o una versión de TLS que uno de los extremos rechaza.',
      recommendations: [
        'Compruebe que el reloj de la máquina es correcto y está sincronizado (`timedatectl` lo muestra); los certificados se rechazan si el reloj está desviado.',
        'Ejecute `arca doctor` en la máquina; muestra el certificado que presenta {endpoint}, la CA que el agente fijó al registrarse y las versiones de TLS probadas.',
        'Si la CA o la dirección del almacén cambiaron después de registrar la máquina, cree un token nuevo con `arca agent token create --vm {vmName}` y ejecute `arca agent register --token TOKEN` en la máquina.',
        'Si un proxy inspecciona el tráfico TLS, excluya {endpoint} de la inspección: el agente solo acepta la cadena de certificados del almacén con el que se registró.',
      ],
    },
  },
  UserErrorGuestAgentConfigInvalid: {
    numericCode: 770108,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent configuration prevents backup',
      message: 'On {vmName}, `/etc/arca/agent.conf` sets {key}={value}, but backup needs {key}={expected}. With this setting the agent does not run the VMSnapshot extension.',
      recommendations: [
        'Set {key}={expected} in `/etc/arca/agent.conf`. Backup needs `Extensions.Enabled=y` and `Provisioning.Agent=auto`; the old spelling `Extensions.Enable` is still read, but rename it.',
        'Restart the agent with `sudo systemctl restart arca-agent`, or let `arca doctor --fix` correct the setting.',
        'Run `arca doctor` to confirm the configuration check passes, then `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'La configuración del agente impide la copia de seguridad',
      message: 'En {vmName}, `/etc/arca/agent.conf` establece {key}={value}, pero la copia de seguridad necesita {key}={expected}. Con este valor el agente no ejecuta la extensión VMSnapshot.',
      recommendations: [
        'Establezca {key}={expected} en `/etc/arca/agent.conf`. La copia de seguridad necesita `Extensions.Enabled=y` y `Provisioning.Agent=auto`; la grafía antigua `Extensions.Enable` se sigue leyendo, pero conviene cambiarla.',
        'Reinicie el agente con `sudo systemctl restart arca-agent`, o deje que `arca doctor --fix` corrija el valor.',
        'Ejecute `arca doctor` para confirmar que la comprobación de la configuración es correcta y, después, `arca backup now --vm {vmName}`.',
      ],
    },
  },
  UserErrorGuestOsNotSupported: {
    numericCode: 770109,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Operating system not supported',
      message: 'The agent on {vmName} runs on {os}, which Arca does not support for backup, or a system component the agent depends on is missing or too old.',
      recommendations: [
        'Run `arca doctor` on the machine; it names the operating system and kernel it found and any missing or outdated component.',
        'Upgrade the operating system or the component to a supported release, then run `sudo systemctl restart arca-agent`.',
        'Run `arca doctor --vm {vmName}` from the vault to confirm the check passes before the next backup.',
      ],
    },
    es: {
      title: 'Sistema operativo no compatible',
      message: 'El agente de {vmName} se ejecuta en {os}, que Arca no admite para copias de seguridad, o falta un componente del sistema del que depende el agente o su versión es demasiado antigua.',
      recommendations: [
        'Ejecute `arca doctor` en la máquina; indica el sistema operativo y el kernel detectados y cualquier componente ausente o desactualizado.',
        'Actualice el sistema operativo o el componente a una versión compatible y, después, ejecute `sudo systemctl restart arca-agent`.',
        'Ejecute `arca doctor --vm {vmName}` desde el almacén para confirmar que la comprobación es correcta antes de la próxima copia de seguridad.',
      ],
    },
  },
});

import { defineErrors } from '../catalog-entry.ts';

/** Installing, running and removing the VMSnapshot extension and the other extensions it lives beside. */
export const extensionErrors = defineErrors({
  UserErrorVmProvisioningStateFailed: {
    numericCode: 770200,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    en: {
      title: 'Machine in a failed provisioning state',
      message: 'Machine {vmName} is in the Failed provisioning state because extension {extensionName} failed. A machine in this state cannot be backed up.',
      recommendations: [
        'Run `arca vm show {vmName}` to see the provisioning state and the status and message of every extension.',
        'If the failed extension is VMSnapshot, remove it with `arca vm extension remove --vm {vmName} --name VMSnapshot`; the next backup installs it again.',
        'If another extension failed, read its log under `/var/log/arca/extensions/` on the machine and fix the cause: a failed extension of any kind blocks backup.',
        'If every extension looks healthy, check the agent with `sudo systemctl status arca-agent` and restart it with `sudo systemctl restart arca-agent` if it is not running.',
        'Start a backup with `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Máquina en estado de aprovisionamiento con errores',
      message: 'La máquina {vmName} está en el estado de aprovisionamiento Failed porque la extensión {extensionName} ha fallado. No se puede hacer copia de seguridad de una máquina en este estado.',
      recommendations: [
        'Ejecute `arca vm show {vmName}` para ver el estado de aprovisionamiento y el estado y el mensaje de cada extensión.',
        'Si la extensión con errores es VMSnapshot, quítela con `arca vm extension remove --vm {vmName} --name VMSnapshot`; la siguiente copia de seguridad la vuelve a instalar.',
        'Si ha fallado otra extensión, consulte su registro en `/var/log/arca/extensions/` en la máquina y corrija la causa: cualquier extensión con errores bloquea la copia de seguridad.',
        'Si todas las extensiones parecen correctas, compruebe el agente con `sudo systemctl status arca-agent` y reinícielo con `sudo systemctl restart arca-agent` si no está en ejecución.',
        'Inicie una copia de seguridad con `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionOperationFailedForManagedDisks: {
    numericCode: 770201,
    httpStatus: 500,
    retryable: true,
    phase: 'extension',
    en: {
      title: 'VMSnapshot extension operation failed',
      message: 'The VMSnapshot extension on {vmName} did not complete its operation, so the snapshot of the machine\'s disks could not be triggered.',
      recommendations: [
        'Try again with `arca backup now --vm {vmName}`; a single failure is often transient.',
        'If it fails again, run `arca doctor --vm {vmName}` and fix what it reports about the agent, its version and the VMSnapshot extension.',
        'Read the extension logs under `/var/log/arca/extensions/` on the machine, or gather everything with `arca doctor --collect-logs`.',
        'If the extension stays in a failed state, remove it with `arca vm extension remove --vm {vmName} --name VMSnapshot` and back up again so that it is reinstalled.',
      ],
    },
    es: {
      title: 'Falló una operación de la extensión VMSnapshot',
      message: 'La extensión VMSnapshot de {vmName} no completó su operación, por lo que no se pudo desencadenar la instantánea de los discos de la máquina.',
      recommendations: [
        'Vuelva a intentarlo con `arca backup now --vm {vmName}`; un fallo aislado suele ser pasajero.',
        'Si vuelve a fallar, ejecute `arca doctor --vm {vmName}` y corrija lo que indique sobre el agente, su versión y la extensión VMSnapshot.',
        'Consulte los registros de la extensión en `/var/log/arca/extensions/` en la máquina, o recopílelo todo con `arca doctor --collect-logs`.',
        'Si la extensión sigue en estado de error, quítela con `arca vm extension remove --vm {vmName} --name VMSnapshot` y haga otra copia de seguridad para que se reinstale.',
      ],
    },
  },
  ExtensionStuckInDeletionState: {
    numericCode: 770202,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    en: {
      title: 'Snapshot extension stuck while being removed',
      message: 'The VMSnapshot extension on {vmName} is stuck halfway through its removal, a state in which it cannot run a backup.',
      recommendations: [
        'Check the extension\'s state with `arca vm show {vmName}`.',
        'Finish the removal with `arca vm extension remove --vm {vmName} --name VMSnapshot`; if it hangs, run `sudo systemctl restart arca-agent` on the machine and remove it again.',
        'Run `arca backup now --vm {vmName}`; the backup installs a fresh copy of the extension.',
      ],
    },
    es: {
      title: 'Extensión de instantáneas bloqueada durante su eliminación',
      message: 'La extensión VMSnapshot de {vmName} se ha quedado a medio eliminar, un estado en el que no puede ejecutar copias de seguridad.',
      recommendations: [
        'Compruebe el estado de la extensión con `arca vm show {vmName}`.',
        'Termine de quitarla con `arca vm extension remove --vm {vmName} --name VMSnapshot`; si se queda colgada, ejecute `sudo systemctl restart arca-agent` en la máquina y vuelva a quitarla.',
        'Ejecute `arca backup now --vm {vmName}`; la copia de seguridad instala una copia nueva de la extensión.',
      ],
    },
  },
  UserErrorExtensionInstallationFailed: {
    numericCode: 770203,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    en: {
      title: 'Snapshot extension could not be installed',
      message: 'The VMSnapshot extension could not be installed on {vmName}: {reason}. The guest agent installs the extension, so the agent must be installed, registered and running first.',
      recommendations: [
        'Check with `arca vm show {vmName}` that the agent is registered and Ready; if it is not, register it with a token from `arca agent token create --vm {vmName}`.',
        'On the machine, confirm that `/etc/arca/agent.conf` sets `Extensions.Enabled=y` and that `/var/lib/arca` has free space and is writable by root.',
        'Find the failing step in `/var/log/arca/agent.log` and under `/var/log/arca/extensions/`, or run `arca doctor` to check all of this at once.',
        'Run `arca backup now --vm {vmName}`; the backup tries the installation again.',
      ],
    },
    es: {
      title: 'No se pudo instalar la extensión de instantáneas',
      message: 'No se pudo instalar la extensión VMSnapshot en {vmName}: {reason}. La extensión la instala el agente invitado, así que antes el agente debe estar instalado, registrado y en ejecución.',
      recommendations: [
        'Compruebe con `arca vm show {vmName}` que el agente está registrado y en estado Ready; si no lo está, regístrelo con un token obtenido con `arca agent token create --vm {vmName}`.',
        'En la máquina, confirme que `/etc/arca/agent.conf` establece `Extensions.Enabled=y` y que `/var/lib/arca` tiene espacio libre y root puede escribir en él.',
        'Localice el paso que falla en `/var/log/arca/agent.log` y en `/var/log/arca/extensions/`, o ejecute `arca doctor` para comprobarlo todo de una vez.',
        'Ejecute `arca backup now --vm {vmName}`; la copia de seguridad vuelve a intentar la instalación.',
      ],
    },
  },
  UserErrorExtensionBlockedBySecurityPolicy: {
    numericCode: 770204,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    en: {
      title: 'Security software blocks the snapshot extension',
      message: '{mechanism} on {vmName} prevented the VMSnapshot extension from running {path}. Mandatory access control (SELinux, AppArmor), a file system mounted noexec, an antivirus or an application-control tool can each do this.',
      recommendations: [
        'Run `arca doctor` on the machine; it reports SELinux and AppArmor denials and noexec mounts that affect `/var/lib/arca`.',
        'Allow the agent and the extension to run from `/var/lib/arca/extensions/VMSnapshot` in {mechanism}; write the rule by path rather than by file hash, since updates change the files.',
        'If `/var/lib/arca` is on a file system mounted noexec, remount it without noexec or point `Lib.Dir` in `/etc/arca/agent.conf` to a file system that allows execution.',
        'Exclude `/var/lib/arca` and `/var/log/arca` from antivirus scanning, then run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'El software de seguridad bloquea la extensión de instantáneas',
      message: '{mechanism} en {vmName} impidió que la extensión VMSnapshot ejecutara {path}. Esto puede deberse a un control de acceso obligatorio (SELinux, AppArmor), a un sistema de archivos montado con noexec, a un antivirus o a una herramienta de control de aplicaciones.',
      recommendations: [
        'Ejecute `arca doctor` en la máquina; informa de las denegaciones de SELinux y AppArmor y de los montajes noexec que afectan a `/var/lib/arca`.',
        'Permita en {mechanism} que el agente y la extensión se ejecuten desde `/var/lib/arca/extensions/VMSnapshot`; defina la regla por ruta y no por hash de archivo, porque las actualizaciones cambian los archivos.',
        'Si `/var/lib/arca` está en un sistema de archivos montado con noexec, vuelva a montarlo sin noexec o haga que `Lib.Dir` en `/etc/arca/agent.conf` apunte a un sistema de archivos que permita la ejecución.',
        'Excluya `/var/lib/arca` y `/var/log/arca` del análisis antivirus y, después, ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionInstallationFailedCOM: {
    numericCode: 770205,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    platform: 'windows',
    en: {
      title: 'COM+ error while installing the extension',
      message: 'The VMSnapshot extension could not be installed on {vmName} because the COM+ System Application service is not running. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'From an elevated command prompt on the machine, start the service with `net start COMSysApp`.',
        'If the service does not start, fix the Distributed Transaction Coordinator first, as `arca errors show ExtensionInstallationFailedMDTC` describes.',
        'Once COM+ System Application is running, run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Error de COM+ al instalar la extensión',
      message: 'No se pudo instalar la extensión VMSnapshot en {vmName} porque el servicio Aplicación del sistema COM+ no está en ejecución. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Desde un símbolo del sistema con privilegios elevados en la máquina, inicie el servicio con `net start COMSysApp`.',
        'Si el servicio no arranca, corrija antes el Coordinador de transacciones distribuidas como se describe en `arca errors show ExtensionInstallationFailedMDTC`.',
        'Cuando Aplicación del sistema COM+ esté en ejecución, ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionInstallationFailedMDTC: {
    numericCode: 770206,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    platform: 'windows',
    en: {
      title: 'MSDTC error while installing the extension',
      message: 'The VMSnapshot extension could not be installed on {vmName} because COM+ could not connect to the Microsoft Distributed Transaction Coordinator (MSDTC). This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'Make sure the Distributed Transaction Coordinator service logs on as Network Service; if it does not, change it and restart the service.',
        'If it still fails, reinstall MSDTC from an elevated command prompt: stop the service, run `msdtc -uninstall` and then `msdtc -install`, and start the service again.',
        'Start COM+ System Application with `net start COMSysApp`.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'Error de MSDTC al instalar la extensión',
      message: 'No se pudo instalar la extensión VMSnapshot en {vmName} porque COM+ no pudo conectarse con el Coordinador de transacciones distribuidas de Microsoft (MSDTC). Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Asegúrese de que el servicio Coordinador de transacciones distribuidas inicia sesión como Servicio de red; si no es así, cámbielo y reinicie el servicio.',
        'Si sigue fallando, reinstale MSDTC desde un símbolo del sistema con privilegios elevados: detenga el servicio, ejecute `msdtc -uninstall` y después `msdtc -install`, y vuelva a iniciar el servicio.',
        'Inicie Aplicación del sistema COM+ con `net start COMSysApp`.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionConfigParsingFailure: {
    numericCode: 770207,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    platform: 'windows',
    en: {
      title: 'Extension could not read its settings',
      message: 'The VMSnapshot extension on {vmName} could not parse its protected settings. The usual cause is changed permissions on the MachineKeys folder, which keep the extension from using the certificate that protects them. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'From an elevated command prompt, run `icacls %systemdrive%\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys` and compare with the defaults: Everyone with read and write, BUILTIN\\Administrators with full control.',
        'Restore those default permissions on the folder and remove any other accounts from it.',
        'In the Local Computer certificate store (Personal), delete the certificates the agent created to protect extension settings; the agent creates new ones.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'La extensión no pudo leer su configuración',
      message: 'La extensión VMSnapshot de {vmName} no pudo analizar su configuración protegida. La causa habitual es un cambio de permisos en la carpeta MachineKeys, que impide a la extensión usar el certificado que la protege. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Desde un símbolo del sistema con privilegios elevados, ejecute `icacls %systemdrive%\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys` y compare el resultado con los permisos predeterminados: Everyone con lectura y escritura, BUILTIN\\Administrators con control total.',
        'Restablezca esos permisos predeterminados en la carpeta y quite de ella cualquier otra cuenta.',
        'En el almacén de certificados del equipo local (Personal), elimine los certificados que creó el agente para proteger la configuración de las extensiones; el agente crea otros nuevos.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
  ExtensionVcRedistInstallationFailed: {
    numericCode: 770208,
    httpStatus: 409,
    retryable: false,
    phase: 'extension',
    platform: 'windows',
    en: {
      title: 'Visual C++ runtime could not be installed',
      message: 'The VMSnapshot extension on {vmName} failed because the Visual C++ Redistributable it depends on could not be installed. This applies to Windows guests only; Arca\'s Linux agent does not report it yet.',
      recommendations: [
        'Check that Windows Installer is allowed to start: the `Start` value under `HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\msiserver` must be 3 (manual), not 4 (disabled).',
        'Install by hand, from an elevated prompt, the x64 Visual C++ Redistributable that ships with the VMSnapshot extension.',
        'If the installer still fails, re-register Windows Installer with `msiexec /unregister` followed by `msiexec /regserver`.',
        'Run `arca backup now --vm {vmName}`.',
      ],
    },
    es: {
      title: 'No se pudo instalar el entorno de ejecución de Visual C++',
      message: 'La extensión VMSnapshot de {vmName} falló porque no se pudo instalar el paquete Visual C++ Redistributable del que depende. Solo se aplica a invitados Windows; el agente de Linux de Arca todavía no lo notifica.',
      recommendations: [
        'Compruebe que Windows Installer puede iniciarse: el valor `Start` de `HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\msiserver` debe ser 3 (manual) y no 4 (deshabilitado).',
        'Instale a mano, desde un símbolo del sistema con privilegios elevados, el Visual C++ Redistributable de x64 que acompaña a la extensión VMSnapshot.',
        'Si el instalador sigue fallando, vuelva a registrar Windows Installer con `msiexec /unregister` seguido de `msiexec /regserver`.',
        'Ejecute `arca backup now --vm {vmName}`.',
      ],
    },
  },
});

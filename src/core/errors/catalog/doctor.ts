import { defineErrors } from '../catalog-entry.ts';

/**
 * Conditions `arca doctor` finds on a machine that no other phase names: they do not fail a backup
 * by themselves, but each one is a step of the troubleshooting checklist (771700–771749).
 */
export const doctorErrors = defineErrors({
  DoctorCheckTimedOut: {
    numericCode: 771700,
    httpStatus: 504,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'A doctor check did not finish in time',
      message: 'The check "{check}" gave no answer within {seconds} s, so its result is unknown. Something it reads or runs is hanging (a stuck mount, a slow name server, a command that waits).',
      recommendations: [
        'Run `arca doctor` again; a check that times out once may have met a passing delay.',
        'If the same check times out again, run what it reads by hand (its title names it) to see what hangs, and fix that first.',
      ],
    },
    es: {
      title: 'Una comprobación del diagnóstico no terminó a tiempo',
      message: 'La comprobación "{check}" no respondió en {seconds} s, así que su resultado es desconocido. Algo que lee o ejecuta se ha quedado bloqueado (un montaje colgado, un servidor de nombres lento, una orden que espera).',
      recommendations: [
        'Ejecute `arca doctor` de nuevo; una comprobación que agota el tiempo una vez puede haber sufrido un retraso pasajero.',
        'Si la misma comprobación vuelve a agotar el tiempo, ejecute a mano lo que lee (su título lo indica) para ver qué se bloquea, y corríjalo primero.',
      ],
    },
  },
  MachineRebootPending: {
    numericCode: 771701,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Machine waits for a reboot',
      message: '{vmName} has updates installed that take effect only after a reboot ({reason}). A backup taken now may freeze file systems while the system is half updated, and the reboot may interrupt a running backup.',
      recommendations: [
        'Reboot the machine at a quiet moment, outside its backup window.',
        'After the reboot, run `arca doctor` again to confirm the agent came back and reports.',
      ],
    },
    es: {
      title: 'La máquina espera un reinicio',
      message: '{vmName} tiene actualizaciones instaladas que solo se aplican tras reiniciar ({reason}). Una copia tomada ahora puede congelar sistemas de archivos con el sistema a medio actualizar, y el reinicio puede interrumpir una copia en curso.',
      recommendations: [
        'Reinicie la máquina en un momento tranquilo, fuera de su ventana de copia de seguridad.',
        'Tras el reinicio, ejecute `arca doctor` de nuevo para confirmar que el agente ha vuelto e informa.',
      ],
    },
  },
  MachinePackageUpdatesPending: {
    numericCode: 771702,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Package updates are waiting',
      message: '{vmName} has {count} package update(s) waiting to be installed. An update that installs during a backup can restart services the backup relies on.',
      recommendations: [
        'Install the updates outside the backup window with the distribution\'s package manager.',
        'Reboot if the updates ask for it, then run `arca doctor` again.',
      ],
    },
    es: {
      title: 'Hay actualizaciones de paquetes pendientes',
      message: '{vmName} tiene {count} actualización(es) de paquetes pendientes de instalar. Una actualización que se instale durante una copia puede reiniciar servicios de los que depende la copia.',
      recommendations: [
        'Instale las actualizaciones fuera de la ventana de copia con el gestor de paquetes de la distribución.',
        'Reinicie si las actualizaciones lo piden y ejecute `arca doctor` de nuevo.',
      ],
    },
  },
  DhcpLeaseNotFound: {
    numericCode: 771703,
    httpStatus: 503,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'No DHCP lease for an interface that uses DHCP',
      message: 'Interface {interface} on {vmName} is configured for DHCP, but no lease for it was found ({searched}). Without an address from DHCP the machine may lose its route to the vault, and the agent and the snapshot extension cannot report.',
      recommendations: [
        'Check that the DHCP client runs for {interface} (`networkctl status {interface}` or `dhclient -v {interface}`) and that it gets a lease.',
        'If the machine needs a fixed address, reserve it on the DHCP server rather than configuring it by hand inside the machine, so that DHCP stays enabled.',
        'Run `arca doctor` again once the interface has a lease.',
      ],
    },
    es: {
      title: 'No hay concesión DHCP para una interfaz que usa DHCP',
      message: 'La interfaz {interface} de {vmName} está configurada para DHCP, pero no se encontró ninguna concesión para ella ({searched}). Sin una dirección de DHCP la máquina puede perder la ruta hacia el almacén, y el agente y la extensión de instantáneas no pueden informar.',
      recommendations: [
        'Compruebe que el cliente DHCP se ejecuta para {interface} (`networkctl status {interface}` o `dhclient -v {interface}`) y que obtiene una concesión.',
        'Si la máquina necesita una dirección fija, resérvela en el servidor DHCP en lugar de configurarla a mano dentro de la máquina, para que DHCP siga habilitado.',
        'Ejecute `arca doctor` de nuevo cuando la interfaz tenga una concesión.',
      ],
    },
  },
  MachineClockSkewed: {
    numericCode: 771704,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Machine clock differs from the vault\'s',
      message: 'The clock of {vmName} is {seconds} s away from the vault\'s at {endpoint}. Certificates look expired or not yet valid to a clock that far off, and schedules and expiry times drift with it.',
      recommendations: [
        'Enable time synchronisation on the machine (`timedatectl set-ntp true`, or chrony / ntpd) and check it with `timedatectl status`.',
        'If the vault\'s clock is the wrong one, synchronise the vault\'s host instead.',
        'Run `arca doctor` again; the difference should be under a few seconds.',
      ],
    },
    es: {
      title: 'El reloj de la máquina difiere del del almacén',
      message: 'El reloj de {vmName} está a {seconds} s del del almacén en {endpoint}. Con un reloj tan desviado los certificados parecen caducados o aún no válidos, y las programaciones y caducidades se desplazan con él.',
      recommendations: [
        'Active la sincronización horaria en la máquina (`timedatectl set-ntp true`, o chrony / ntpd) y compruébela con `timedatectl status`.',
        'Si el reloj erróneo es el del almacén, sincronice en su lugar el equipo del almacén.',
        'Ejecute `arca doctor` de nuevo; la diferencia debería ser de pocos segundos.',
      ],
    },
  },
  MountReadOnly: {
    numericCode: 771705,
    httpStatus: 409,
    retryable: false,
    phase: 'snapshot',
    en: {
      title: 'A file system of the machine is mounted read-only',
      message: '{mountPoint} on {vmName} is mounted read-only. It is not frozen during the snapshot, and the kernel mounts a file system read-only on its own after it meets errors (errors=remount-ro); snapshot files cannot be written there either.',
      recommendations: [
        'If {mountPoint} is read-only on purpose, nothing needs doing for it.',
        'Otherwise look for file-system errors in `dmesg` or `journalctl -k`, unmount it, run `fsck` on its device, and mount it again read-write.',
        'Run `arca doctor` again.',
      ],
    },
    es: {
      title: 'Un sistema de archivos de la máquina está montado de solo lectura',
      message: '{mountPoint} en {vmName} está montado de solo lectura. No se congela durante la instantánea, y el kernel monta un sistema de archivos de solo lectura por su cuenta tras encontrar errores (errors=remount-ro); tampoco se pueden escribir allí archivos de instantánea.',
      recommendations: [
        'Si {mountPoint} es de solo lectura a propósito, no hay que hacer nada con él.',
        'Si no, busque errores del sistema de archivos en `dmesg` o `journalctl -k`, desmóntelo, ejecute `fsck` sobre su dispositivo y móntelo de nuevo en lectura y escritura.',
        'Ejecute `arca doctor` de nuevo.',
      ],
    },
  },
  ExtensionStuckTransitioning: {
    numericCode: 771706,
    httpStatus: 409,
    retryable: true,
    phase: 'extension',
    en: {
      title: 'Extension stuck in transitioning',
      message: 'The {extensionName} extension on {vmName} has reported "transitioning" for {minutes} minutes without its process beating. It is probably gone, and the agent waits for an answer that will not come.',
      recommendations: [
        'Restart the agent with `sudo systemctl restart arca-agent`; it notices the missing process and settles the operation.',
        'If the extension stays stuck, run `arca doctor --fix` to remove its handler state, so that the next backup installs it again.',
        'Run `arca backup now --vm {vmName}` and watch it with `arca job watch`.',
      ],
    },
    es: {
      title: 'Extensión bloqueada en transición',
      message: 'La extensión {extensionName} de {vmName} lleva {minutes} minutos informando "transitioning" sin que su proceso dé señales. Probablemente ya no existe, y el agente espera una respuesta que no llegará.',
      recommendations: [
        'Reinicie el agente con `sudo systemctl restart arca-agent`; detecta que falta el proceso y cierra la operación.',
        'Si la extensión sigue bloqueada, ejecute `arca doctor --fix` para eliminar su estado de controlador, de modo que la próxima copia la instale de nuevo.',
        'Ejecute `arca backup now --vm {vmName}` y sígala con `arca job watch`.',
      ],
    },
  },
  FileSystemCheckNotRun: {
    numericCode: 771707,
    httpStatus: 503,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'The read-only file-system check could not run',
      message: 'The doctor could not check the file system on {device} of {vmName} with `{command}`: {reason}. Whether it is clean is unknown, and a file system that is not clean cannot be frozen for a consistent snapshot.',
      recommendations: [
        'Install the checker if it is missing: e2fsprogs for ext2/3/4, xfsprogs for XFS.',
        'Run `{command}` by hand at a quiet moment; it only reads, and a large file system can take minutes.',
        'If it reports errors, keep {device} unmounted, repair it with `fsck` (`xfs_repair` for XFS), then run `arca doctor` again.',
      ],
    },
    es: {
      title: 'No se pudo ejecutar la comprobación de solo lectura del sistema de archivos',
      message: 'El diagnóstico no pudo revisar el sistema de archivos de {device} en {vmName} con `{command}`: {reason}. No se sabe si está limpio, y un sistema de archivos que no lo está no se puede inmovilizar para una instantánea coherente.',
      recommendations: [
        'Instale el programa de comprobación si falta: e2fsprogs para ext2/3/4, xfsprogs para XFS.',
        'Ejecute `{command}` a mano en un momento tranquilo; solo lee, y un sistema de archivos grande puede tardar minutos.',
        'Si informa de errores, mantenga {device} desmontado, repárelo con `fsck` (`xfs_repair` en XFS) y ejecute `arca doctor` de nuevo.',
      ],
    },
  },
});

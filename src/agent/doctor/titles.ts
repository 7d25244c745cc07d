import { HIGH_LOAD_PERCENT } from '../../core/limits.ts';
import type { CheckTitle } from './check.ts';

/** The oldest Node.js major the agent runs on. */
export const MIN_NODE_MAJOR = 24;

/**
 * The machine checks' titles, by check id, in English and Spanish. Ids are stable (scripts read
 * them in `-o json`); only the titles are translated.
 */
export const MACHINE_TITLES = {
  'os.reboot': { en: 'no reboot pending', es: 'ningún reinicio pendiente' },
  'os.updates': { en: 'no package updates waiting', es: 'ninguna actualización de paquetes pendiente' },
  'agent.registered': { en: 'agent is registered with a vault', es: 'el agente está registrado en un almacén' },
  'agent.service': { en: 'agent service is running and reporting', es: 'el servicio del agente se ejecuta e informa' },
  'agent.runtime': { en: `Node.js runtime is ${MIN_NODE_MAJOR} or later`, es: `el entorno Node.js es ${MIN_NODE_MAJOR} o posterior` },
  'config.extensions': { en: 'Extensions.Enabled is y in the agent configuration', es: 'Extensions.Enabled vale y en la configuración del agente' },
  'config.file': { en: 'agent configuration file is valid', es: 'el archivo de configuración del agente es válido' },
  'extensions.status': { en: 'every extension succeeded and none is stuck', es: 'todas las extensiones terminaron bien y ninguna está bloqueada' },
  'extensions.snapshot-files': { en: 'snapshot extension files present and allowed to run', es: 'los archivos de la extensión de instantáneas existen y pueden ejecutarse' },
  'network.vault': { en: 'vault endpoint resolvable, reachable, TLS valid, clock in step', es: 'el punto de conexión del almacén se resuelve, responde, tiene TLS válido y el reloj coincide' },
  'network.dhcp': { en: 'DHCP lease present where an interface uses DHCP', es: 'hay concesión DHCP en cada interfaz que usa DHCP' },
  'disks.size': { en: 'disk sizes within the limits; encryption noted', es: 'tamaños de disco dentro de los límites; cifrado indicado' },
  'disks.mounts': { en: 'file systems clean, writable and freezable', es: 'sistemas de archivos limpios, escribibles e inmovilizables' },
  'disks.fsck': { en: 'file systems not in read-write use pass a read-only fsck', es: 'los sistemas de archivos que no se usan en lectura y escritura superan un fsck de solo lectura' },
  'os.load': { en: `CPU and memory below ${HIGH_LOAD_PERCENT} %`, es: `CPU y memoria por debajo del ${HIGH_LOAD_PERCENT} %` },
} as const satisfies Record<string, CheckTitle>;

export type MachineCheckId = keyof typeof MACHINE_TITLES;

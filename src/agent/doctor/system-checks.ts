import { readdir, readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { HIGH_LOAD_PERCENT } from '../../core/limits.ts';
import { fail, pass, warn, type Check } from './check.ts';
import { MACHINE_TITLES } from './titles.ts';
import type { MachineContext } from './machine-context.ts';

const readText = (path: string) => readFile(path, 'utf8').then((t) => t, () => undefined);

export const rebootCheck: Check<MachineContext> = {
  id: 'os.reboot',
  title: MACHINE_TITLES['os.reboot'],
  async run(context) {
    const marker = await readText(context.paths.rebootRequired);
    if (marker === undefined) return pass({ en: `${context.paths.rebootRequired} absent`, es: `${context.paths.rebootRequired} no existe` });
    const reason = marker.trim() || context.paths.rebootRequired;
    return warn(`${context.paths.rebootRequired}: ${reason}`, 'MachineRebootPending', { vmName: context.vmName, reason });
  },
};

/**
 * The count apt's update-notifier writes to updates-available (its MOTD text): "N updates can be
 * applied immediately." (older: "N packages can be updated."), in English or Spanish. The lines about
 * ESM's "additional" updates are not counted: they cannot be installed without a subscription.
 */
export function pendingUpdates(text: string): number | undefined {
  const english = /^(\d+) (?:updates? can be (?:applied|installed)|packages? can be updated)/m.exec(text);
  const spanish = /^Se pueden? (?:aplicar|instalar) (\d+) actualizaci/m.exec(text) ?? /^(\d+) paquetes? (?:se )?pueden? actualizar/m.exec(text);
  const found = english?.[1] ?? spanish?.[1];
  return found === undefined ? undefined : Number(found);
}

export const updatesCheck: Check<MachineContext> = {
  id: 'os.updates',
  title: MACHINE_TITLES['os.updates'],
  async run(context) {
    const path = context.paths.updatesAvailable;
    const text = await readText(path);
    if (text === undefined) return pass({ en: `no ${path} (update-notifier not installed; unknown for distributions without it)`, es: `no existe ${path} (update-notifier no está instalado; en las distribuciones sin él no se sabe)` });
    const count = pendingUpdates(text);
    if (count === undefined) return pass({ en: `${path} names no pending update`, es: `${path} no indica ninguna actualización pendiente` });
    return count > 0
      ? warn({ en: `${count} update(s) per ${path}`, es: `${count} actualización(es) según ${path}` }, 'MachinePackageUpdatesPending', { vmName: context.vmName, count })
      : pass({ en: `0 updates per ${path}`, es: `0 actualizaciones según ${path}` });
  },
};

/** Interfaces configured for DHCP in ifupdown or systemd-networkd files. */
async function dhcpInterfaces(context: MachineContext): Promise<string[]> {
  const found = new Set<string>();
  const ifaces = (await readText(context.paths.interfacesFile)) ?? '';
  for (const match of ifaces.matchAll(/^\s*iface\s+(\S+)\s+inet6?\s+dhcp/gm)) found.add(match[1] as string);
  for (const dir of context.paths.networkdConfigDirs) {
    for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.network'))) {
      const text = (await readText(join(dir, name))) ?? '';
      const iface = /^\s*Name\s*=\s*(\S+)/m.exec(text)?.[1];
      if (iface && !iface.includes('*') && /^\s*DHCP\s*=\s*(yes|ipv4|true)/im.test(text)) found.add(iface);
    }
  }
  found.delete('lo');
  return [...found];
}

/**
 * A lease file belongs to `iface` when dhclient or NetworkManager named it after the interface
 * (dhclient.eth0.leases, dhclient-<uuid>-eth0.lease), when dhclient wrote `interface "eth0";` in it,
 * or when systemd-networkd named it by the interface's index (/run/systemd/netif/leases/2).
 */
function leaseOf(iface: string, ifindex: string | undefined, path: string, text: string): boolean {
  const name = basename(path);
  const escaped = iface.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(^|[.-])${escaped}\\.leases?$`).test(name)) return true;
  if (text.includes(`interface "${iface}";`)) return true;
  return ifindex !== undefined && name === ifindex && /^ADDRESS=/m.test(text);
}

export const dhcpCheck: Check<MachineContext> = {
  id: 'network.dhcp',
  title: MACHINE_TITLES['network.dhcp'],
  async run(context) {
    const interfaces = await dhcpInterfaces(context);
    if (interfaces.length === 0) return pass({ en: 'no interface configured for DHCP in ifupdown or networkd files (other network managers are not read)', es: 'ninguna interfaz configurada para DHCP en los archivos de ifupdown o networkd (no se leen otros gestores de red)' });
    const leases: string[] = [];
    for (const dir of context.paths.dhcpLeaseDirs) leases.push(...(await readdir(dir).catch(() => [] as string[])).map((n) => join(dir, n)));
    const texts = await Promise.all(leases.map(async (path) => ({ path, text: (await readText(path)) ?? '' })));
    return Promise.all(
      interfaces.map(async (iface) => {
        const ifindex = (await readText(join(context.paths.sysDir, 'class', 'net', iface, 'ifindex')))?.trim();
        const lease = texts.find(({ path, text }) => leaseOf(iface, ifindex, path, text));
        return lease
          ? pass({ en: `${iface}: lease in ${lease.path}`, es: `${iface}: concesión en ${lease.path}` })
          : warn({ en: `${iface} uses DHCP; no lease found`, es: `${iface} usa DHCP; no se encontró ninguna concesión` }, 'DhcpLeaseNotFound', { vmName: context.vmName, interface: iface, searched: context.paths.dhcpLeaseDirs.join(', ') });
      }),
    );
  },
};

function cpuTimes(text: string): { busy: number; total: number } {
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

const round = (n: number) => Math.round(n * 10) / 10;
const meminfoValue = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
const pressure = (text: string | undefined) => Number(/^some avg10=([\d.]+)/m.exec(text ?? '')?.[1] ?? Number.NaN);

/**
 * CPU from two reads of /proc/stat 300 ms apart (the 1-minute load average per CPU when they do not
 * move), memory as 1 − MemAvailable/MemTotal, and PSI where the kernel has it. Above 90 % the
 * snapshot waits and may time out (UserErrorSnapshotDelayedByLoad).
 */
export const loadCheck: Check<MachineContext> = {
  id: 'os.load',
  title: MACHINE_TITLES['os.load'],
  async run(context, signal) {
    const proc = context.paths.procDir;
    const first = cpuTimes((await readText(join(proc, 'stat'))) ?? '');
    await delay(300, undefined, { signal });
    const second = cpuTimes((await readText(join(proc, 'stat'))) ?? '');
    const delta = second.total - first.total;
    let cpuPercent: number;
    if (delta > 0) cpuPercent = ((second.busy - first.busy) / delta) * 100;
    else {
      const load = Number(((await readText(join(proc, 'loadavg'))) ?? '0').split(' ')[0]);
      cpuPercent = Math.min(100, (load / Math.max(1, cpus().length)) * 100);
    }
    const meminfo = (await readText(join(proc, 'meminfo'))) ?? '';
    const memoryPercent = (1 - meminfoValue(meminfo, 'MemAvailable') / meminfoValue(meminfo, 'MemTotal')) * 100;
    const psi = { cpu: pressure(await readText(join(proc, 'pressure', 'cpu'))), memory: pressure(await readText(join(proc, 'pressure', 'memory'))) };
    const psiFigures = Number.isFinite(psi.cpu) ? `cpu ${psi.cpu} % mem ${Number.isFinite(psi.memory) ? psi.memory : '?'} %` : undefined;
    const figures = {
      en: `CPU ${round(cpuPercent)} %, memory ${round(memoryPercent)} %${psiFigures ? `, pressure ${psiFigures}` : ''}`,
      es: `CPU ${round(cpuPercent)} %, memoria ${round(memoryPercent)} %${psiFigures ? `, presión ${psiFigures}` : ''}`,
    };
    const params = { vmName: context.vmName, cpuPercent: round(cpuPercent), memoryPercent: round(memoryPercent) };
    if (cpuPercent > HIGH_LOAD_PERCENT || memoryPercent > HIGH_LOAD_PERCENT) return fail(figures, 'UserErrorSnapshotDelayedByLoad', params);
    if (psi.cpu > 50 || psi.memory > 25) return warn({ en: `${figures.en}: tasks often wait for CPU or memory`, es: `${figures.es}: las tareas esperan a menudo por la CPU o la memoria` }, 'UserErrorSnapshotDelayedByLoad', params);
    return pass(figures);
  },
};

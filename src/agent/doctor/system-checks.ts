import { readdir, readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { HIGH_LOAD_PERCENT } from '../../core/limits.ts';
import { fail, pass, warn, type Check } from './check.ts';
import type { MachineContext } from './machine-context.ts';

const readText = (path: string) => readFile(path, 'utf8').then((t) => t, () => undefined);

export const rebootCheck: Check<MachineContext> = {
  id: 'os.reboot',
  title: 'no reboot pending',
  async run(context) {
    const marker = await readText(context.paths.rebootRequired);
    if (marker === undefined) return pass(`${context.paths.rebootRequired} absent`);
    const reason = marker.trim() || context.paths.rebootRequired;
    return warn(`${context.paths.rebootRequired}: ${reason}`, 'MachineRebootPending', { vmName: context.vmName, reason });
  },
};

export const updatesCheck: Check<MachineContext> = {
  id: 'os.updates',
  title: 'no package updates waiting',
  async run(context) {
    const text = await readText(context.paths.updatesAvailable);
    if (text === undefined) return pass('no update notice on this machine (unknown for distributions without update-notifier)');
    const count = Number(/(\d+)\s+(?:updates?|actualizaci)/i.exec(text)?.[1] ?? 0);
    return count > 0 ? warn(`${count} update(s) per ${context.paths.updatesAvailable}`, 'MachinePackageUpdatesPending', { vmName: context.vmName, count }) : pass('no updates waiting');
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

export const dhcpCheck: Check<MachineContext> = {
  id: 'network.dhcp',
  title: 'DHCP lease present where an interface uses DHCP',
  async run(context) {
    const interfaces = await dhcpInterfaces(context);
    if (interfaces.length === 0) return pass('no interface configured for DHCP in ifupdown or networkd files (other network managers are not read)');
    const leases: string[] = [];
    for (const dir of context.paths.dhcpLeaseDirs) leases.push(...(await readdir(dir).catch(() => [] as string[])).map((n) => join(dir, n)));
    const texts = await Promise.all(leases.map(async (path) => ({ path, text: (await readText(path)) ?? '' })));
    return interfaces.map((iface) => {
      const lease = texts.find(({ path, text }) => path.includes(iface) || text.includes(`interface "${iface}"`) || /^ADDRESS=/m.test(text));
      return lease ? pass(`${iface}: lease in ${lease.path}`) : warn(`${iface} uses DHCP; no lease found`, 'DhcpLeaseNotFound', { vmName: context.vmName, interface: iface, searched: context.paths.dhcpLeaseDirs.join(', ') });
    });
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
  title: `CPU and memory below ${HIGH_LOAD_PERCENT} %`,
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
    const figures = `CPU ${round(cpuPercent)} %, memory ${round(memoryPercent)} %${Number.isFinite(psi.cpu) ? `, pressure cpu ${psi.cpu} % mem ${Number.isFinite(psi.memory) ? psi.memory : '?'} %` : ''}`;
    const params = { vmName: context.vmName, cpuPercent: round(cpuPercent), memoryPercent: round(memoryPercent) };
    if (cpuPercent > HIGH_LOAD_PERCENT || memoryPercent > HIGH_LOAD_PERCENT) return fail(figures, 'UserErrorSnapshotDelayedByLoad', params);
    if (psi.cpu > 50 || psi.memory > 25) return warn(`${figures}: tasks often wait for CPU or memory`, 'UserErrorSnapshotDelayedByLoad', params);
    return pass(figures);
  },
};

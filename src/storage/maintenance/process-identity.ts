import { readFile, readlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * Who wrote a marker, precisely enough to tell that its process is gone: a host name is shared by
 * containers with host networking and reused after a reboot, so the boot id and the process-id
 * namespace come along (Linux; elsewhere they are empty and no marker is ever judged dead early).
 */
export interface ProcessIdentity {
  readonly host: string;
  readonly bootId: string;
  readonly pidNamespace: string;
  readonly pid: number;
}

let self: Promise<ProcessIdentity> | undefined;

export function selfIdentity(): Promise<ProcessIdentity> {
  self ??= (async () => ({
    host: hostname(),
    bootId: (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim(),
    pidNamespace: await readlink('/proc/self/ns/pid').catch(() => ''),
    pid: process.pid,
  }))();
  return self;
}

/** True only when `other` ran on this very system (host, boot, pid namespace) and its process no longer exists. */
export async function isGone(other: ProcessIdentity): Promise<boolean> {
  const me = await selfIdentity();
  if (!me.bootId || !me.pidNamespace || other.host !== me.host || other.bootId !== me.bootId || other.pidNamespace !== me.pidNamespace) return false;
  if (other.pid === me.pid) return false;
  try {
    process.kill(other.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

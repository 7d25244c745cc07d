import { readFile } from 'node:fs/promises';
import { arch, release } from 'node:os';

export interface OsInfo {
  /** e.g. "Debian GNU/Linux 12 (bookworm)". */
  readonly name: string;
  readonly id: string;
  readonly version: string;
  readonly kernel: string;
  readonly architecture: string;
}

/** The operating system from /etc/os-release (the freedesktop standard) and the running kernel. */
export async function osInfo(path = '/etc/os-release'): Promise<OsInfo> {
  const fields = new Map<string, string>();
  const text = await readFile(path, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(?:"(.*)"|'(.*)'|(.*))$/.exec(line.trim());
    if (match) fields.set(match[1] as string, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return {
    name: fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? 'Linux',
    id: fields.get('ID') ?? 'linux',
    version: fields.get('VERSION_ID') ?? '',
    kernel: release(),
    architecture: arch(),
  };
}

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, release, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { writeTarGz } from '../../platform/tar-gz.ts';
import type { MachineContext } from './machine-context.ts';

const SECRET_KEY = /token|secret|passphrase|password|credential|privatekey|protectedsettings|apikey|^key$/i;
const REDACTED = '[redacted]';
const MAX_LOG_BYTES = 2 << 20;

/** JSON with every value under a secret-looking key replaced. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : redactJson(inner)]));
}

/** Text (logs, agent.conf): `Key=value` and `"key":"value"` with secret-looking keys, and bearer tokens. */
export function redactText(text: string): string {
  return text
    .replace(/^(\s*([A-Za-z0-9_.-]+)\s*=\s*)(.*)$/gm, (line, head: string, key: string) => (SECRET_KEY.test(key) ? `${head}${REDACTED}` : line))
    .replace(/("([A-Za-z0-9_]+)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, (whole, head: string, key: string) => (SECRET_KEY.test(key) ? `${head}"${REDACTED}"` : whole))
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`);
}

async function tail(path: string): Promise<string | undefined> {
  try {
    const data = await readFile(path);
    return data.subarray(Math.max(0, data.length - MAX_LOG_BYTES)).toString('utf8');
  } catch {
    return undefined;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Writes the support bundle: agent.conf redacted, Lib.Dir's status and credentials (redacted),
 * every handler's manifest, state, heartbeat, status, settings (protected settings removed) and
 * logs, the extension logs, the agent's journal where systemd keeps one, the doctor's results and
 * the versions. Returns the files it holds, by their path in the bundle.
 */
export async function writeSupportBundle(context: MachineContext, doctorResults: unknown, out: string): Promise<{ files: string[]; writer: string }> {
  const stage = await mkdtemp(join(tmpdir(), 'arca-bundle-'));
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    await mkdir(dirname(join(stage, name)), { recursive: true, mode: 0o700 });
    await writeFile(join(stage, name), text, { mode: 0o600 });
    files.push(name);
  };
  const putRedacted = async (name: string, text: string | undefined) => {
    if (text === undefined) return;
    const isJson = /\.(json|settings|status)$/.test(name);
    let body = redactText(text);
    if (isJson) {
      try {
        body = `${JSON.stringify(redactJson(JSON.parse(text)), null, 2)}\n`;
      } catch {
        // not JSON after all: the text redaction stands
      }
    }
    await put(name, body);
  };
  try {
    const { config } = context.loaded;
    await putRedacted('config/agent.conf', await tail(context.loaded.path));
    for (const file of ['status.json', 'credentials.json']) await putRedacted(`lib/${file}`, await tail(join(config.libDir, file)));
    for (const file of await filesUnder(config.libDir)) {
      const inLib = relative(config.libDir, file);
      if (!inLib.includes('/') || inLib.split('/').includes('data')) continue;
      await putRedacted(`lib/${inLib}`, await tail(file));
    }
    for (const file of await filesUnder(config.extensionLogDir)) await putRedacted(`logs/extensions/${relative(config.extensionLogDir, file)}`, await tail(file));
    if (await stat(context.paths.systemdRunDir).then(() => true, () => false)) {
      const journal = await context.exec('journalctl', ['-u', 'arca-agent', '-n', '5000', '--no-pager', '-o', 'cat'], AbortSignal.timeout(5000));
      if (journal.code === 0) await putRedacted('logs/arca-agent.journal.log', journal.stdout);
    }
    await put('doctor.json', `${JSON.stringify(doctorResults, null, 2)}\n`);
    const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
    await put('versions.json', `${JSON.stringify({ arca: context.agentVersion, node: context.nodeVersion, kernel: release(), host: hostname(), os: /^PRETTY_NAME="?([^"\n]*)/m.exec(osRelease)?.[1] ?? 'unknown', bundle: basename(out) }, null, 2)}\n`);
    const writer = await writeTarGz(stage, out);
    return { files: files.toSorted(), writer };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

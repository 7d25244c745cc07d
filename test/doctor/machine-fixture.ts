import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runArca, type RunResult } from '../support/arca-process.ts';

/** A finding as `arca doctor -o json` prints it. */
export interface DoctorResult {
  readonly id: string;
  readonly title: string;
  readonly status: 'PASS' | 'WARN' | 'FAIL';
  readonly code?: string;
  readonly numericCode?: number;
  readonly detail: string;
  readonly message?: string;
  readonly steps?: string[];
}

export interface DoctorJson {
  readonly summary: { FAIL: number; WARN: number; PASS: number };
  readonly results: DoctorResult[];
  readonly fixes?: { id: string; description: string; outcome: string; message: string }[];
  readonly bundle?: string;
  readonly bundleFiles?: string[];
}

/**
 * A machine as the agent leaves it, in a temporary folder: agent.conf, Lib.Dir with credentials
 * and a fresh status.json, a small disk image, and a /proc of its own (a quiet machine) so that
 * load figures are the test's. Each test breaks one thing and runs the real `arca doctor`.
 */
export class MachineFixture {
  readonly root: string;
  readonly libDir: string;
  readonly configPath: string;
  readonly procDir: string;
  readonly logDir: string;
  /** Where the machine's /etc, /var and /run files are read (update notices, DHCP, systemd). */
  readonly fsRoot: string;
  vaultUrl = 'https://127.0.0.1:9';
  disks = '';
  extraConfig: string[] = [];

  private constructor(root: string) {
    this.root = root;
    this.libDir = join(root, 'lib');
    this.configPath = join(root, 'agent.conf');
    this.procDir = join(root, 'proc');
    this.logDir = join(root, 'log');
    this.fsRoot = join(root, 'fsroot');
  }

  static async create(): Promise<MachineFixture> {
    const fixture = new MachineFixture(await mkdtemp(join(tmpdir(), 'arca-doctor-')));
    await mkdir(fixture.libDir, { mode: 0o700 });
    await mkdir(join(fixture.procDir, 'self'), { recursive: true });
    await mkdir(fixture.logDir);
    await mkdir(fixture.fsRoot);
    await writeFile(join(fixture.root, 'os.img'), Buffer.alloc(1 << 20));
    fixture.disks = `os:${join(fixture.root, 'os.img')}`;
    await fixture.quietProc();
    await fixture.writeCredentials();
    await fixture.writeStatus(new Date());
    return fixture;
  }

  async quietProc(): Promise<void> {
    await writeFile(join(this.procDir, 'stat'), 'cpu  100 0 100 10000 0 0 0 0 0 0\n');
    await writeFile(join(this.procDir, 'loadavg'), '0.10 0.10 0.10 1/100 1\n');
    await writeFile(join(this.procDir, 'meminfo'), 'MemTotal:        4000000 kB\nMemFree:         3000000 kB\nMemAvailable:    3500000 kB\n');
    await writeFile(join(this.procDir, 'self', 'mountinfo'), '');
  }

  async writeCredentials(token = 'agent-token-not-for-bundles'): Promise<void> {
    const credentials = { vaultUrl: this.vaultUrl, machineId: 'c0ffee00-0000-4000-8000-000000000001', vmResourceId: '/subscriptions/s/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachines/db-1', tokenId: 't1', agentToken: token, registered: new Date().toISOString() };
    await writeFile(join(this.libDir, 'credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
  }

  async writeStatus(time: Date): Promise<void> {
    const status = { time: time.toISOString(), agent: { status: 'Ready', version: '0.1.0' }, goalStateIncarnation: 1, vault: { url: this.vaultUrl, lastReport: time.toISOString() } };
    await writeFile(join(this.libDir, 'status.json'), JSON.stringify(status), { mode: 0o600 });
  }

  /** agent.conf with the fixture's keys and any extra lines (a broken one, usually). */
  async writeConfig(lines: readonly string[] = []): Promise<void> {
    const text = [`# written by a test`, `Lib.Dir=${this.libDir}`, `Extension.LogDir=${this.logDir}`, `Vault.Url=${this.vaultUrl}`, `Disks=${this.disks}`, 'Extensions.GoalStatePeriod=6', ...this.extraConfig, ...lines, ''].join('\n');
    await writeFile(this.configPath, text);
  }

  /** The real `arca doctor` reading only this machine's files, as a table. */
  table(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return runArca(['doctor', '--config', this.configPath, '--proc-dir', this.procDir, '--sys-dir', join(this.root, 'sys'), '--reboot-required-file', join(this.root, 'reboot-required'), '--machine-root', this.fsRoot, ...args], env);
  }

  async doctor(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunResult & { json: DoctorJson }> {
    const run = await this.table(['-o', 'json', ...args], env);
    let json: DoctorJson;
    try {
      json = JSON.parse(run.stdout) as DoctorJson;
    } catch {
      throw new Error(`arca doctor printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
    return { ...run, json };
  }

  /** Writes `text` at `path` under the machine's file root (its folders made as needed). */
  async writeMachineFile(path: string, text: string): Promise<string> {
    const full = join(this.fsRoot, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
    return full;
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export function findingsOf(json: DoctorJson, id: string): DoctorResult[] {
  return json.results.filter((r) => r.id === id);
}

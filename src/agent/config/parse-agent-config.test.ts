import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { loadAgentConfig, requireValidConfig } from './load-agent-config.ts';
import { formatFinding, parseAgentConfig } from './parse-agent-config.ts';

const findingsOf = (text: string) => parseAgentConfig(text).findings.map((f) => `${f.line ?? '-'} ${f.severity}: ${f.message}`);

describe('agent.conf parsing', () => {
  it('gives every key its default when the file is empty', () => {
    const { config, findings } = parseAgentConfig('');
    assert.deepEqual(findings, []);
    assert.deepEqual(config, {
      extensionsEnabled: true,
      goalStatePeriodSeconds: 6,
      provisioningAgent: 'auto',
      autoUpdateEnabled: false,
      logsVerbose: false,
      libDir: '/var/lib/arca-agent',
      extensionLogDir: '/var/log/arca',
      vmSnapshotConfigFile: '/etc/arca/vmsnapshot.json',
    });
  });

  it('reads every key of the table, typed, with comments, blank lines, quotes and trailing comments', () => {
    const text = [
      '# Arca agent',
      '',
      'Extensions.Enabled=n',
      'Extensions.GoalStatePeriod = 3   # seconds',
      'Provisioning.Agent=cloud-init',
      'AutoUpdate.Enabled=y',
      'Logs.Verbose=y',
      'Lib.Dir="/srv/agent lib"',
      'Extension.LogDir=/srv/log',
      'VmSnapshot.ConfigFile=/srv/vmsnapshot.json',
      'HttpProxy.Host=proxy.local',
      'HttpProxy.Port=3128',
      'Vault.Url=https://vault.example:8443/',
      'Vault.CaFile=/etc/arca/ca.pem',
      'Disks=/vm/os.img, data:/dev/vdb',
    ].join('\n');
    const { config, findings, origins } = parseAgentConfig(text);
    assert.deepEqual(findings, []);
    assert.deepEqual(config, {
      extensionsEnabled: false,
      goalStatePeriodSeconds: 3,
      provisioningAgent: 'cloud-init',
      autoUpdateEnabled: true,
      logsVerbose: true,
      libDir: '/srv/agent lib',
      extensionLogDir: '/srv/log',
      vmSnapshotConfigFile: '/srv/vmsnapshot.json',
      httpProxy: { host: 'proxy.local', port: 3128 },
      vaultUrl: 'https://vault.example:8443',
      vaultCaFile: '/etc/arca/ca.pem',
      disks: [
        { name: 'os', path: '/vm/os.img' },
        { name: 'data', path: '/dev/vdb' },
      ],
    });
    assert.equal(origins['Extensions.GoalStatePeriod'], 4);
  });

  const refusals: [string, string, RegExp][] = [
    ['an unknown key is an error at its line, with a suggestion', 'Logs.Verbose=n\nExtensions.Enabeld=y', /^2 error: unknown key Extensions\.Enabeld \(did you mean Extensions\.Enabled\?\)$/],
    ['a boolean other than y or n is an error', 'Extensions.Enabled=yes', /^1 error: Extensions\.Enabled: "yes" is not a boolean: write y or n$/],
    ['a period out of range is an error', 'Extensions.GoalStatePeriod=0', /^1 error: .*whole number from 1 to 3600/],
    ['a provisioning agent outside the four choices is an error', 'Provisioning.Agent=waagent', /not one of auto, arca, cloud-init, disabled/],
    ['a relative Lib.Dir is an error', 'Lib.Dir=var/lib', /not an absolute path/],
    ['a vault over plain HTTP is an error', 'Vault.Url=http://vault:8443', /must be an https:\/\/ URL/],
    ['a line that is not Key=Value is an error', 'Extensions.Enabled', /^1 error: "Extensions\.Enabled" is not a Key=Value line$/],
    ['a proxy host without a port is an error at the host\'s line', '\nHttpProxy.Host=proxy', /^2 error: HttpProxy\.Host is set but HttpProxy\.Port is not/],
    ['a disk named twice is an error', 'Disks=/a/os.img,/b/os.raw', /names disk os twice/],
  ];
  for (const [name, text, expected] of refusals) {
    it(name, () => {
      const found = findingsOf(text);
      assert.equal(found.length, 1, found.join('\n'));
      assert.match(found[0] as string, expected);
    });
  }

  it("reads the seed's Extensions.Enable as Extensions.Enabled, with a warning", () => {
    const { config, findings } = parseAgentConfig('Extensions.Enable=n');
    assert.equal(config.extensionsEnabled, false);
    assert.deepEqual(findings.map((f) => [f.severity, f.line]), [['warning', 1]]);
    assert.match(findings[0]?.message ?? '', /Extensions\.Enable is read as Extensions\.Enabled/);
  });

  it('warns when a key is set twice, and the last value counts', () => {
    const { config, findings } = parseAgentConfig('Logs.Verbose=y\nLogs.Verbose=n');
    assert.equal(config.logsVerbose, false);
    assert.deepEqual(findingsOf('Logs.Verbose=y\nLogs.Verbose=n'), ['2 warning: Logs.Verbose is set again (first on line 1); the last value counts']);
    assert.equal(findings.length, 1);
  });

  it('keeps the default of a key whose value is refused, so that every problem is listed at once', () => {
    const { config, findings } = parseAgentConfig('Extensions.GoalStatePeriod=soon\nLogs.Verbose=maybe\nBogus=1');
    assert.equal(config.goalStatePeriodSeconds, 6);
    assert.deepEqual(findings.map((f) => f.line), [1, 2, 3]);
  });
});

describe('agent.conf loading', () => {
  it('uses the defaults when the default file is absent, and refuses a missing file given by path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-agent-conf-'));
    try {
      const missing = await loadAgentConfig(join(dir, 'nope.conf'));
      assert.equal(missing.findings[0]?.severity, 'error');
      assert.throws(() => requireValidConfig(missing), (error: unknown) => isArcaError(error) && error.code === 'AgentConfigurationInvalid');
      const path = join(dir, 'agent.conf');
      await writeFile(path, 'Extensions.Enabled=y\nFoo=bar\nLogs.Verbose=1\n');
      const loaded = await loadAgentConfig(path);
      assert.equal(loaded.fromFile, true);
      assert.deepEqual(loaded.findings.map((f) => formatFinding(path, f)), [`${path}:2: error: unknown key Foo`, `${path}:3: error: Logs.Verbose: "1" is not a boolean: write y or n`]);
      assert.throws(
        () => requireValidConfig(loaded),
        (error: unknown) => isArcaError(error) && error.code === 'AgentConfigurationInvalid' && error.params.count === 2 && /agent\.conf:2: error: unknown key Foo/.test(error.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { buildAgentPackage, sha256Of } from '../../src/platform/agent-package.ts';
import { ARCA_VERSION } from '../../src/platform/version.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { cli } from './cli-support.ts';

const VERSION = '9.8.7';

/** A small agent package of `version`: package.json naming arca, bin/arca.js and one source file whose text is `body`. */
async function smallPackage(dir: string, version: string, body: string): Promise<{ file: string; archive: Buffer }> {
  const root = join(dir, `tree-${version}-${sha256Of(Buffer.from(body)).slice(0, 8)}`);
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'arca', version, type: 'module' }));
  await writeFile(join(root, 'bin', 'arca.js'), "await import('../src/main.ts');\n");
  await writeFile(join(root, 'src', 'main.ts'), body);
  const built = await buildAgentPackage(root);
  const file = join(dir, `${root.split('/').at(-1) ?? 'pkg'}.tar.gz`);
  await writeFile(file, built.archive);
  return { file, archive: built.archive };
}

/** `arca agent package list|publish`: the real binary against a real server, which keeps what it accepts in its data folder. */
describe('arca agent package', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let arca: ReturnType<typeof cli>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-cli-packages-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-cli-packages-work-'));
    server = await startServer(dataDir, ['--agent-min-version', '0.0.1']);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    arca = cli(join(workDir, 'config.json'));
    const login = await arca(['login', '--server', server.url, '--ca', arm.info.caFile, '--token-file', join(dataDir, 'admin-token')]);
    assert.equal(login.code, 0, login.stderr);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('publishes a package once (201, then the same bytes again change nothing) and lists it newest first beside the vault\'s own', async () => {
    const pkg = await smallPackage(workDir, VERSION, 'export {};\n');
    const first = await arca(['agent', 'package', 'publish', pkg.file, '-o', 'json']);
    assert.equal(first.code, 0, first.stderr);
    const published = JSON.parse(first.stdout) as { version: string; sha256: string; sizeBytes: number; created: boolean };
    assert.deepEqual([published.version, published.sha256, published.sizeBytes, published.created], [VERSION, sha256Of(pkg.archive), pkg.archive.length, true]);
    assert.ok((await readdir(join(dataDir, 'agent-packages'))).includes(`arca-agent-${VERSION}.tar.gz`), 'the vault keeps the file');

    const again = await arca(['agent', 'package', 'publish', pkg.file, '--agent-version', VERSION]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already published with these contents: nothing changed/);

    const listed = JSON.parse((await arca(['agent', 'package', 'list', '-o', 'json'])).stdout) as { value: { version: string; sha256: string }[]; newest: string; minimumAgentVersion: string };
    assert.deepEqual(listed.value.map((p) => p.version), [VERSION, ARCA_VERSION]);
    assert.equal(listed.newest, VERSION);
    assert.equal(listed.minimumAgentVersion, '0.0.1');
    const table = await arca(['agent', 'package', 'list']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^VERSION +SIZE +PUBLISHED +SHA-256\\n[- ]+\\n${VERSION.replaceAll('.', '\\.')} +${pkg.archive.length} +\\S+ +${published.sha256}\\n`));
    assert.match(table.stdout, /newest: 9\.8\.7; agents older than 0\.0\.1 are out of date/);
  });

  it('other contents under a published version: AgentPackageVersionConflict with its steps, exit 4, and the vault keeps the first', async () => {
    const other = await smallPackage(workDir, VERSION, 'export const changed = true;\n');
    const run = await arca(['agent', 'package', 'publish', other.file, '--agent-version', VERSION]);
    assert.equal(run.code, EXIT_CODES.conflict, run.stderr);
    assert.match(run.stderr, /^error AgentPackageVersionConflict \(771757\): /);
    assert.match(run.stderr, /What to do:\n    1\. .+\n    2\. .*arca agent package list/);
    const spanish = await arca(['agent', 'package', 'publish', other.file, '--lang', 'es']);
    assert.match(spanish.stderr, /Qué hacer:\n    1\. .+\n    2\. .*arca agent package list/);
    const listed = JSON.parse((await arca(['agent', 'package', 'list', '-o', 'json'])).stdout) as { value: { version: string; sha256: string }[] };
    assert.notEqual(listed.value.find((p) => p.version === VERSION)?.sha256, sha256Of(other.archive));
  });

  it('a wrong file is refused before any upload, with the code the vault would give', async () => {
    const pkg = await smallPackage(workDir, '9.9.0', 'export {};\n');
    const mismatch = await arca(['agent', 'package', 'publish', pkg.file, '--agent-version', '9.9.1']);
    assert.equal(mismatch.code, EXIT_CODES.usage, mismatch.stderr);
    assert.match(mismatch.stderr, /^error AgentPackageInvalid \(771751\): .*\n.*package\.json says version 9\.9\.0/);
    const badVersion = await arca(['agent', 'package', 'publish', pkg.file, '--agent-version', 'latest']);
    assert.match(badVersion.stderr, /^error AgentPackageVersionInvalid \(771750\)/);
    const missing = await arca(['agent', 'package', 'publish', join(workDir, 'nope.tar.gz'), '--agent-version', '9.9.0']);
    assert.equal(missing.code, EXIT_CODES.usage, missing.stderr);
    assert.match(missing.stderr, /UserErrorInvalidArgument[\s\S]*nope\.tar\.gz/);
    const listed = JSON.parse((await arca(['agent', 'package', 'list', '-o', 'json'])).stdout) as { value: { version: string }[] };
    assert.ok(!listed.value.some((p) => p.version.startsWith('9.9.')), 'nothing of them reached the vault');
  });

  it('only an Owner may publish or list: a BackupOperator gets AuthorizationFailed, exit 5', async () => {
    const operator = (await arm.request('POST', '/arca/principals', { apiVersion: '2026-11-01', body: { name: 'ops', type: 'User', role: 'BackupOperator' } })).json<{ token: string }>();
    assert.equal((await arca(['login', '--server', server.url, '--ca', arm.info.caFile, '--token-stdin', '--name', 'ops'], { input: operator.token })).code, 0);
    const pkg = await smallPackage(workDir, '9.9.5', 'export {};\n');
    for (const args of [['agent', 'package', 'list'], ['agent', 'package', 'publish', pkg.file, '--agent-version', '9.9.5']]) {
      const run = await arca(args);
      assert.equal(run.code, EXIT_CODES.unauthorized, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^error AuthorizationFailed/);
    }
    assert.ok(!(await readdir(join(dataDir, 'agent-packages'))).includes('arca-agent-9.9.5.tar.gz'));
  });
});

import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { cli } from './cli-support.ts';

/** `arca login`, contexts and `arca whoami`: the real binary against a real server, with a configuration file of its own. */
describe('arca login and contexts', () => {
  let dataDir: string;
  let home: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let adminToken: string;
  let configFile: string;
  let arca: ReturnType<typeof cli>;
  let caFile: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-cli-login-'));
    home = await mkdtemp(join(tmpdir(), 'arca-cli-home-'));
    server = await startServer(dataDir);
    adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    arm = await ArmTestClient.forDataDir(dataDir, adminToken);
    caFile = arm.info.caFile;
    configFile = join(home, 'config', 'arca', 'config.json');
    arca = cli(configFile);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('refuses every API command before a login with CliNotSignedIn and exit 5, naming the configuration file', async () => {
    const run = await arca(['vault', 'list']);
    assert.equal(run.code, EXIT_CODES.unauthorized, run.stderr);
    assert.match(run.stderr, /error CliNotSignedIn \(771650\)/);
    assert.ok(run.stderr.includes(configFile));
    assert.match(run.stderr, /1\. .*arca login --server/);
  });

  it('signs in with a token file: the context names the subscription, the file is 0600 in a 0700 folder, no secret is printed', async () => {
    const run = await arca(['login', '--server', server.url, '--ca', caFile, '--token-file', join(dataDir, 'admin-token'), '--name', 'lab']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stdout.includes(adminToken));
    assert.match(run.stdout, new RegExp(`subscription: +${arm.info.subscriptionId}`));
    assert.equal((await stat(configFile)).mode & 0o777, 0o600);
    assert.equal((await stat(join(home, 'config', 'arca'))).mode & 0o777, 0o700);
    const saved = JSON.parse(await readFile(configFile, 'utf8')) as { current: string; contexts: Record<string, { subscriptionId: string; ca: string }> };
    assert.equal(saved.current, 'lab');
    assert.equal(saved.contexts.lab?.subscriptionId, arm.info.subscriptionId);
    assert.equal(saved.contexts.lab?.ca, await readFile(caFile, 'utf8'));

    const who = await arca(['whoami', '-o', 'json']);
    assert.equal(who.code, 0, who.stderr);
    assert.deepEqual(JSON.parse(who.stdout), { context: 'lab', server: server.url, name: 'bootstrap admin', role: 'Owner', subscriptionId: arm.info.subscriptionId });
  });

  it('signs in a service principal with its secret on standard input, and a user with a token on standard input; contexts switch', async () => {
    const sp = (await arm.request('POST', '/arca/principals', { apiVersion: '2026-11-01', body: { name: 'nightly-ci', type: 'ServicePrincipal', role: 'BackupOperator' } })).json<{ clientId: string; clientSecret: string; tenantId: string }>();
    const ci = await arca(['login', '--server', server.url, '--ca', caFile, '--name', 'ci', '--tenant', sp.tenantId, '--client-id', sp.clientId, '--client-secret-stdin'], { input: `${sp.clientSecret}\n` });
    assert.equal(ci.code, 0, ci.stderr);
    assert.match(ci.stdout, /as nightly-ci \(BackupOperator\)/);

    const user = (await arm.request('POST', '/arca/principals', { apiVersion: '2026-11-01', body: { name: 'ana', type: 'User', role: 'Reader' } })).json<{ token: string }>();
    const ana = await arca(['login', '--server', server.url, '--ca', caFile, '--name', 'ana', '--token-stdin', '--vault', 'vault1', '--resource-group', 'prod'], { input: user.token });
    assert.equal(ana.code, 0, ana.stderr);

    const list = await arca(['context', 'list', '-o', 'json']);
    const contexts = JSON.parse(list.stdout) as { name: string; current: boolean; role: string; vault: string | null }[];
    assert.deepEqual(contexts.map((c) => [c.name, c.current, c.role, c.vault]), [['lab', false, 'Owner', null], ['ci', false, 'BackupOperator', null], ['ana', true, 'Reader', 'vault1']]);
    const shown = await arca(['context', 'show', 'ci']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`service principal ${sp.clientId}`));
    for (const secret of [sp.clientSecret, user.token, adminToken]) assert.ok(!list.stdout.includes(secret) && !shown.stdout.includes(secret), 'no secret is shown');

    assert.equal((await arca(['context', 'use', 'ci'])).code, 0);
    const who = await arca(['whoami', '-o', 'json']);
    assert.equal(JSON.parse(who.stdout).name, 'nightly-ci');
    const missing = await arca(['context', 'use', 'nope']);
    assert.equal(missing.code, EXIT_CODES.notFound);
    assert.match(missing.stderr, /CliContextNotFound/);
  });

  it('refuses a wrong token with InvalidAuthenticationToken (exit 5) and keeps no context for it', async () => {
    const bad = join(home, 'bad-token');
    await writeFile(bad, 'arca_not-a-real-token');
    const run = await arca(['login', '--server', server.url, '--ca', caFile, '--token-file', bad, '--name', 'bad', '--lang', 'es']);
    assert.equal(run.code, EXIT_CODES.unauthorized, run.stderr);
    assert.match(run.stderr, /error InvalidAuthenticationToken/);
    assert.match(run.stderr, /Qué hacer:/);
    const saved = JSON.parse(await readFile(configFile, 'utf8')) as { contexts: Record<string, unknown> };
    assert.equal(saved.contexts.bad, undefined);
  });

  it('trusts only the CA given: another CA is refused with CliServerCertificateRejected before anything is sent', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'arca-cli-other-'));
    const other = await startServer(otherDir);
    try {
      const otherCa = (await ArmTestClient.forDataDir(otherDir, '')).info.caFile;
      const run = await arca(['login', '--server', server.url, '--ca', otherCa, '--token-file', join(dataDir, 'admin-token'), '--name', 'wrong-ca']);
      assert.equal(run.code, EXIT_CODES.failure, run.stderr);
      assert.match(run.stderr, /error CliServerCertificateRejected \(771655\)/);
    } finally {
      await other.stop();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('reports a server that does not answer with CliServerUnreachable, exit 6', async () => {
    const stopped = await arca(['login', '--server', 'https://127.0.0.1:1', '--ca', caFile, '--token-file', join(dataDir, 'admin-token'), '--name', 'down']);
    assert.equal(stopped.code, EXIT_CODES.unavailable, stopped.stderr);
    assert.match(stopped.stderr, /error CliServerUnreachable/);
  });

  it('refuses a configuration file others can read, with CliConfigInsecure (exit 5), until it is private again', async () => {
    await chmod(configFile, 0o644);
    const run = await arca(['whoami']);
    assert.equal(run.code, EXIT_CODES.unauthorized, run.stderr);
    assert.match(run.stderr, /error CliConfigInsecure/);
    assert.match(run.stderr, /0644/);
    await chmod(configFile, 0o600);
    assert.equal((await arca(['whoami'])).code, 0);
  });
});

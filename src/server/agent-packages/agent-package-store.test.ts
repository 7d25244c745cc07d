import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { tarGzOfFiles } from '../../platform/tar-gz.ts';
import { agentOffer, OfferFailures } from '../agents/agent-routes.ts';
import { AgentPackageStore } from './agent-package-store.ts';

let root: string;

async function packageOf(version: string, withBin = true): Promise<Buffer> {
  const dir = await mkdtemp(join(root, 'src-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'arca', version, dependencies: {} }));
  await mkdir(join(dir, 'bin'));
  if (withBin) await writeFile(join(dir, 'bin', 'arca.js'), 'console.log(1)');
  return tarGzOfFiles(dir, (withBin ? ['package.json', 'bin/arca.js'] : ['package.json']).map((file) => join(dir, file)));
}

function recordingLog() {
  const lines: string[] = [];
  return { lines, error: (_fields: object, message: string) => void lines.push(message) };
}

describe('agent package store', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'arca-packages-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('offers no package whose checksum file is not a SHA-256 or whose archive is empty', async () => {
    const dir = join(root, 'torn');
    const own = await packageOf('1.0.0');
    const store = new AgentPackageStore({ dir, ownVersion: '1.0.0', buildOwn: async () => ({ version: '1.0.0', archive: own }) });
    await store.publish('1.1.0', await packageOf('1.1.0'));
    assert.equal((await store.offerFor('1.0.0'))?.version, '1.1.0');
    await writeFile(join(dir, 'arca-agent-1.1.0.tar.gz.sha256'), 'abc\n');
    assert.equal(await store.info('1.1.0'), undefined);
    await writeFile(join(dir, 'arca-agent-1.1.0.tar.gz.sha256'), `${'f'.repeat(64)}\n`);
    await writeFile(join(dir, 'arca-agent-1.1.0.tar.gz'), '');
    assert.equal(await store.info('1.1.0'), undefined);
    assert.equal(await store.offerFor('1.0.0'), undefined, 'the broken newer package is not offered');
  });

  it('writes the archive and its checksum privately, leaving no temporary files', async () => {
    const dir = join(root, 'written');
    const store = new AgentPackageStore({ dir, ownVersion: '1.0.0', buildOwn: async () => ({ version: '1.0.0', archive: await packageOf('1.0.0') }) });
    const { info } = await store.publish('1.2.0', await packageOf('1.2.0'));
    assert.match(info.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual((await readdir(dir)).toSorted(), ['arca-agent-1.0.0.tar.gz', 'arca-agent-1.0.0.tar.gz.sha256', 'arca-agent-1.2.0.tar.gz', 'arca-agent-1.2.0.tar.gz.sha256']);
    for (const name of await readdir(dir)) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);
  });

  it("checks the vault's own package like a published one and keeps none that fails", async () => {
    const dir = join(root, 'own-broken');
    const broken = await packageOf('1.0.0', false);
    const store = new AgentPackageStore({ dir, ownVersion: '1.0.0', buildOwn: async () => ({ version: '1.0.0', archive: broken }) });
    await assert.rejects(store.ensureOwn(), (error) => isArcaError(error) && error.code === 'AgentPackageInvalid');
    assert.deepEqual(await readdir(dir).catch(() => []), []);
  });

  it('leaves the agent update out of the goal state, logged once, when the packages fail', async () => {
    const dir = join(root, 'offer-fails');
    const store = new AgentPackageStore({
      dir,
      ownVersion: '2.0.0',
      buildOwn: async () => {
        throw new Error('npm pack failed');
      },
    });
    const failures = new OfferFailures();
    const log = recordingLog();
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await agentOffer(store, '1.0.0', '1.0.0', { failures, log }), { minimumAgentVersion: '1.0.0' });
    assert.equal(log.lines.length, 1);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isArcaError } from '../core/errors/index.ts';
import { checkAgentPackage, unpackAgentPackage } from './agent-package.ts';

/** A ustar entry written by hand, so that the test can make the entries a careful writer never would. */
function entry(name: string, data: string, type = '0', linkName = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${Buffer.byteLength(data).toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.fill(' ', 148, 156);
  header.write(type, 156);
  header.write(linkName, 157, 100);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512);
  body.write(data);
  return Buffer.concat([header, body]);
}

const archive = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
const manifest = (version: string) => entry('package.json', JSON.stringify({ name: 'arca', version, dependencies: { fastify: '5.12.8' } }));
const good = (version = '0.2.0') => [manifest(version), entry('./bin/arca.js', 'console.log(1)'), entry('src/main.ts', 'export {};')];

function refusedWith(code: string, reason?: RegExp) {
  return (error: unknown) => isArcaError(error) && error.code === code && (reason === undefined || reason.test(JSON.stringify(error.params)));
}

describe('agent packages', () => {
  it('a package with package.json of its version and bin/arca.js passes, with its dependencies', () => {
    const checked = checkAgentPackage(archive(...good()), '0.2.0');
    assert.deepEqual(checked.entries.map((e) => e.path), ['package.json', 'bin/arca.js', 'src/main.ts']);
    assert.deepEqual(checked.dependencies, { fastify: '5.12.8' });
  });

  const unsafe: [string, Buffer, RegExp][] = [
    ['an entry climbing out with ..', entry('src/../../etc/cron.d/evil', 'x'), /climbs out/],
    ['an absolute path', entry('/etc/passwd', 'x'), /absolute path/],
    ['a symbolic link', entry('src/link', '', '2', '/etc/shadow'), /symbolic link/],
    ['a hard link', entry('src/hard', '', '1', 'package.json'), /hard link/],
    ['a device file', entry('src/dev', '', '3'), /device file/],
    ['a GNU long name that climbs out', Buffer.concat([entry('././@LongLink', '../outside.js\0', 'L'), entry('placeholder', 'x')]), /climbs out/],
  ];
  for (const [name, bad, reason] of unsafe) {
    it(`${name} refuses the whole package with AgentPackageEntryUnsafe`, () => {
      assert.throws(() => checkAgentPackage(archive(...good(), bad), '0.2.0'), refusedWith('AgentPackageEntryUnsafe', reason));
    });
  }

  const invalid: [string, Uint8Array, RegExp][] = [
    ['a package.json of another version', archive(...good('0.3.0')), /says version 0\.3\.0/],
    ['no bin/arca.js', archive(manifest('0.2.0')), /no bin\/arca\.js/],
    ['node_modules inside', archive(...good(), entry('node_modules/x/index.js', '')), /node_modules/],
    ['bytes that are not gzip', Buffer.from('not a package'), /not a gzip/],
    ['a damaged header', gzipSync(Buffer.alloc(1536, 7)), /not an octal number/],
    ['a header whose checksum does not add up', archive(Buffer.from(entry('package.json', '{}').fill(0x41, 0, 10))), /bad checksum/],
  ];
  for (const [name, bad, reason] of invalid) {
    it(`${name} is AgentPackageInvalid`, () => assert.throws(() => checkAgentPackage(bad, '0.2.0'), refusedWith('AgentPackageInvalid', reason)));
  }

  it('a version that is not one is AgentPackageVersionInvalid', () => {
    assert.throws(() => checkAgentPackage(archive(...good()), '../0.2.0'), refusedWith('AgentPackageVersionInvalid'));
  });

  it('unpacks regular files and folders inside its folder only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-package-'));
    try {
      await unpackAgentPackage(checkAgentPackage(archive(...good()), '0.2.0'), join(dir, '0.2.0'));
      assert.deepEqual((await readdir(join(dir, '0.2.0'), { recursive: true })).toSorted(), ['bin', 'bin/arca.js', 'package.json', 'src', 'src/main.ts']);
      assert.equal(await readFile(join(dir, '0.2.0', 'bin', 'arca.js'), 'utf8'), 'console.log(1)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

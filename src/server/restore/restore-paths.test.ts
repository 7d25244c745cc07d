import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { diskFileName, restoreContainerName, restoreLocation } from './restore-paths.ts';

const DATA = '/srv/arca';
const JOB = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('where restored disks are written', () => {
  it('puts a disk in its job\'s container of the storage account, under the data directory', () => {
    const container = restoreContainerName(JOB);
    const location = restoreLocation(DATA, 'restoresa', container, diskFileName('web-1_OsDisk_1'));
    assert.equal(location.path, join(DATA, 'storage-accounts', 'restoresa', `arca-restore-${JOB}`, 'web-1_OsDisk_1.img'));
    assert.equal(location.shown, join('storage-accounts', 'restoresa', `arca-restore-${JOB}`, 'web-1_OsDisk_1.img'));
  });

  const refused: { name: string; build: () => unknown }[] = [
    { name: 'a disk name that climbs out of the container', build: () => restoreLocation(DATA, 'restoresa', 'c1', diskFileName('../../etc/passwd')) },
    { name: 'a segment of two periods', build: () => restoreLocation(DATA, 'restoresa', '..', 'x.img') },
    { name: 'a segment with a slash', build: () => restoreLocation(DATA, 'restoresa', 'c1/../..', 'x.img') },
    { name: 'a storage account name that is a path', build: () => restoreLocation(DATA, '../x', 'c1', 'x.img') },
    { name: 'an absolute segment', build: () => restoreLocation(DATA, 'restoresa', '/etc', 'passwd') },
    { name: 'a hidden file', build: () => diskFileName('.ssh') },
    { name: 'a job name that is not a container name', build: () => restoreContainerName('A/B') },
  ];
  for (const { name, build } of refused) {
    it(`refuses ${name}`, () => assert.throws(build, (error) => isArcaError(error) && error.code === 'ArcaInternalError'));
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { fsErrorToArca } from './fs-error.ts';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, open '/repo/data/ab/x'`), { code });
}

const CASES: readonly [string, CatalogCode, boolean][] = [
  ['ENOSPC', 'RepositoryStoreFull', false],
  ['EDQUOT', 'RepositoryStoreFull', false],
  ['EACCES', 'RepositoryPermissionDenied', false],
  ['EPERM', 'RepositoryPermissionDenied', false],
  ['EROFS', 'RepositoryPermissionDenied', false],
  ['EIO', 'RepositoryStoreUnavailable', true],
  ['EAGAIN', 'RepositoryStoreUnavailable', true],
  ['EBUSY', 'RepositoryStoreUnavailable', true],
  ['ETIMEDOUT', 'RepositoryStoreUnavailable', true],
  ['ENOTCONN', 'RepositoryStoreUnavailable', true],
  ['ESTALE', 'RepositoryStoreUnavailable', true],
  ['EMFILE', 'RepositoryStoreUnavailable', true],
  ['ENFILE', 'RepositoryStoreUnavailable', true],
  ['ELOOP', 'RepositoryStoreUnavailable', true],
];

describe('file-system errors as port errors', () => {
  for (const [code, expected, retryable] of CASES) {
    it(`${code} becomes ${expected}, ${retryable ? 'retryable' : 'permanent'}, and keeps the cause`, () => {
      const cause = errno(code);
      const error = fsErrorToArca(cause, { operation: 'put', key: 'data/ab/x', location: '/repo' });
      assert.equal(error.code, expected);
      assert.equal(error.retryable, retryable);
      assert.equal(error.cause, cause);
    });
  }

  it('names the location when the store is full and the verb and key otherwise', () => {
    const target = { operation: 'delete', key: 'index/i1', location: '/srv/repo' } as const;
    assert.deepEqual(fsErrorToArca(errno('ENOSPC'), target).params, { location: '/srv/repo' });
    assert.deepEqual(fsErrorToArca(errno('EACCES'), target).params, { operation: 'delete', key: 'index/i1' });
    assert.match(fsErrorToArca(errno('EIO'), target).message, /failed to delete index\/i1: EIO/);
  });

  it('treats an error without an errno as unavailable and keeps it as the cause', () => {
    const cause = new TypeError('something odd');
    const error = fsErrorToArca(cause, { operation: 'get', key: 'k', location: '/r' });
    assert.equal(error.code, 'RepositoryStoreUnavailable');
    assert.equal(error.cause, cause);
  });

  it('passes an ArcaError through unchanged', () => {
    const original = new ArcaError('RepositoryBlobNotFound', { key: 'k' });
    assert.equal(fsErrorToArca(original, { operation: 'get', key: 'k', location: '/r' }), original);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { noNetworkError } from './no-network.ts';
import { parseVaultSettings, vaultChannelOptions } from './vault-uploader.ts';

const VAULT = { url: 'https://vault.example:8443', machineId: 'm1', token: 't', ca: '-----BEGIN CERTIFICATE-----' };

describe('the vault settings the agent gives the extension', () => {
  it('carries the agent\'s proxy into the channel options', () => {
    const options = vaultChannelOptions(parseVaultSettings({ ...VAULT, proxy: { host: 'proxy.local', port: 3128 } }));
    assert.deepEqual(options.proxy, { host: 'proxy.local', port: 3128 });
    assert.equal(options.url, VAULT.url);
  });

  it('without a proxy, the channel goes straight to the vault', () => {
    assert.equal(vaultChannelOptions(parseVaultSettings(VAULT)).proxy, undefined);
  });

  for (const [name, proxy] of [
    ['a port out of range', { host: 'proxy.local', port: 70000 }],
    ['a port given as text', { host: 'proxy.local', port: '3128' }],
    ['a host with credentials in it', { host: 'user@proxy.local', port: 3128 }],
    ['no host', { port: 3128 }],
  ] as const) {
    it(`refuses a proxy with ${name}`, () => {
      assert.throws(() => parseVaultSettings({ ...VAULT, proxy }), (error: unknown) => isArcaError(error) && error.code === 'UserErrorInvalidArgument' && /protectedSettings\.vault\.proxy/.test(error.message));
    });
  }
});

describe('a proxy that refuses the tunnel', () => {
  it('is ExtensionSnapshotFailedNoNetwork naming the vault\'s endpoint', () => {
    const refused = Object.assign(new Error('Failed to establish tunnel to vault.example:8443: HTTP/1.1 403 Forbidden'), { code: 'ERR_PROXY_TUNNEL' });
    const error = noNetworkError(new Error('upload failed', { cause: refused }), 'web-1', VAULT.url);
    assert.equal(error?.code, 'ExtensionSnapshotFailedNoNetwork');
    assert.match(error?.message ?? '', /https:\/\/vault\.example:8443/);
  });
});

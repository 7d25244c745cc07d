import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import { resourceNameProblem, validateResourceName, type ResourceNameKind } from './resource-names.ts';

describe('ARM resource naming rules', () => {
  const accepted: [kind: ResourceNameKind, name: string][] = [
    ['resourceGroup', 'Prod_RG-(eu).1'],
    ['resourceGroup', 'Grupo-Producción'],
    ['resourceGroup', 'r'.repeat(90)],
    ['virtualMachine', 'web-01.prod_'],
    ['virtualMachine', 'v'.repeat(64)],
    ['vault', 'Backup-Vault-1'],
    ['backupPolicy', 'DailyPolicy-30d'],
    ['keyVault', 'kv-prod-01'],
    ['storageAccount', 'restoretargets01'],
    ['virtualNetwork', 'vnet_prod.1'],
    ['subnet', 'default'],
    ['disk', 'web01_OsDisk_1'],
    ['publicIpAddress', 'web01-ip'],
    ['lock', 'DoNotDelete(rpc)'],
    ['restorePointCollection', 'AzureBackupRG_web01_1'],
  ];
  for (const [kind, name] of accepted) {
    it(`accepts '${name.length > 20 ? `${name.slice(0, 8)}… (${name.length})` : name}' as a ${kind} name`, () => {
      assert.equal(resourceNameProblem(kind, name), undefined);
      assert.equal(validateResourceName(kind, name), name);
    });
  }

  const refused: [kind: ResourceNameKind, name: string, reason: RegExp][] = [
    ['resourceGroup', '', /1 to 90 characters long, and '' has 0/],
    ['resourceGroup', 'r'.repeat(91), /has 91/],
    ['resourceGroup', 'prod.', /must end with anything but a period/],
    ['resourceGroup', 'prod rg', /contains ' '/],
    ['virtualMachine', 'v'.repeat(65), /1 to 64 characters/],
    ['virtualMachine', '_web', /must start with a letter or digit/],
    ['virtualMachine', 'web-', /must end with a letter, digit or underscore/],
    ['virtualMachine', 'web;01', /contains ';'/],
    ['virtualMachine', 'web\u000101', /contains U\+0001/],
    ['vault', 'v', /2 to 50 characters/],
    ['vault', '1vault', /must start with a letter/],
    ['vault', 'my_vault', /contains '_'/],
    ['backupPolicy', 'daily-', /must end with a letter or digit/],
    ['keyVault', 'kv--prod', /two hyphens in a row/],
    ['keyVault', 'kv-', /must end with a letter or digit/],
    ['storageAccount', 'Restore01', /lower-case letters and digits.*'R'/],
    ['storageAccount', 'ab', /3 to 24 characters/],
    ['virtualNetwork', 'n', /2 to 64 characters/],
    ['subnet', 'sub.', /must end with a letter, digit or underscore/],
    ['disk', 'd'.repeat(81), /1 to 80 characters/],
    ['publicIpAddress', '-ip', /must start with a letter or digit/],
    ['lock', 'keep.', /anything but a period/],
  ];
  for (const [kind, name, reason] of refused) {
    it(`refuses '${name.length > 20 ? `${name.slice(0, 8)}… (${name.length})` : JSON.stringify(name).slice(1, -1)}' as a ${kind} name`, () => {
      assert.match(resourceNameProblem(kind, name) ?? '', reason);
    });
  }

  it('throws UserErrorInvalidArgument naming the argument the user filled in', () => {
    assert.throws(() => validateResourceName('vault', '1v', 'vaultName'), (error: unknown) =>
      error instanceof ArcaError &&
      error.code === 'UserErrorInvalidArgument' &&
      error.params.name === 'vaultName' &&
      /must start with a letter/.test(String(error.params.reason)));
  });

  it('names the kind when no argument is given', () => {
    assert.throws(() => validateResourceName('storageAccount', 'X'), (error: unknown) =>
      error instanceof ArcaError && error.params.name === 'storageAccount');
  });
});

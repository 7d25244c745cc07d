import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import {
  formatRestorePointCollectionName,
  formatRestorePointResourceGroupName,
  isRestorePointCollectionOf,
  parseRestorePointCollectionName,
  parseRestorePointResourceGroupName,
} from './restore-point-names.ts';

function refused(run: () => unknown, code: string, reason: RegExp): void {
  assert.throws(run, (error: unknown) =>
    error instanceof ArcaError && error.code === code && reason.test(String(error.params.reason)));
}

describe('restore point collection names', () => {
  it('writes a collection name from the VM name and its number', () => {
    assert.equal(formatRestorePointCollectionName('Web01', 2), 'AzureBackupRG_Web01_2');
  });

  it('writes a resource group name from the region and its number', () => {
    assert.equal(formatRestorePointResourceGroupName('westeurope', 1), 'AzureBackupRG_westeurope_1');
  });

  const collections: [name: string, text: string, vmName: string, index: number][] = [
    ['a plain name', 'AzureBackupRG_Web01_2', 'Web01', 2],
    ['a VM name with underscores, splitting at the last one', 'AzureBackupRG_my_vm_12', 'my_vm', 12],
    ['a prefix in another case, keeping the VM name case', 'azurebackuprg_Web01_1', 'Web01', 1],
  ];
  for (const [name, text, vmName, index] of collections) {
    it(`reads ${name}`, () => assert.deepEqual(parseRestorePointCollectionName(text), { vmName, index }));
  }

  it('reads the region and number of a resource group name', () => {
    assert.deepEqual(parseRestorePointResourceGroupName('AzureBackupRG_eastus2_3'), { region: 'eastus2', index: 3 });
  });

  const malformed: [name: string, run: () => unknown, reason: RegExp][] = [
    ['another prefix', () => parseRestorePointCollectionName('Backup_Web01_1'), /must begin with 'AzureBackupRG_'/],
    ['a name without a number', () => parseRestorePointCollectionName('AzureBackupRG_Web01'), /must look like AzureBackupRG_<name>_<number>/],
    ['a number zero', () => parseRestorePointCollectionName('AzureBackupRG_Web01_0'), /number from 1, not '0'/],
    ['a number that is not one', () => parseRestorePointCollectionName('AzureBackupRG_Web01_x1'), /not 'x1'/],
    ['an empty VM name', () => parseRestorePointCollectionName('AzureBackupRG__1'), /must look like/],
    ['a VM name that breaks the naming rules', () => parseRestorePointCollectionName('AzureBackupRG_-web_1'), /VM name part is not valid/],
    ['a region with an underscore', () => parseRestorePointResourceGroupName('AzureBackupRG_west_europe_1'), /region part may contain only/],
  ];
  for (const [name, run, reason] of malformed) {
    it(`refuses ${name} with InvalidResourceId`, () => refused(run, 'InvalidResourceId', reason));
  }

  const badArguments: [name: string, run: () => unknown, reason: RegExp][] = [
    ['a number below one', () => formatRestorePointCollectionName('vm', 0), /whole number from 1/],
    ['a fractional number', () => formatRestorePointResourceGroupName('westeurope', 1.5), /whole number from 1/],
    ['an invalid VM name', () => formatRestorePointCollectionName('vm!', 1), /may contain only/],
    ['a region with spaces', () => formatRestorePointResourceGroupName('west europe', 1), /letters, digits and hyphens/],
  ];
  for (const [name, run, reason] of badArguments) {
    it(`refuses to write a name from ${name}`, () => refused(run, 'UserErrorInvalidArgument', reason));
  }

  it('tells whether a collection belongs to a VM, in any case and at any number', () => {
    assert.equal(isRestorePointCollectionOf('AzureBackupRG_WEB01_7', 'web01'), true);
    assert.equal(isRestorePointCollectionOf('AzureBackupRG_web02_1', 'web01'), false);
    assert.equal(isRestorePointCollectionOf('something-else', 'web01'), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import {
  formatContainerName,
  formatProtectedItemName,
  parseContainerName,
  parseProtectedItemName,
  sameContainerName,
  sameProtectedItemName,
} from './backup-item-names.ts';

const vm = { resourceGroup: 'Prod-RG', vmName: 'Web01' };

function refused(run: () => unknown, reason: RegExp): void {
  assert.throws(run, (error: unknown) =>
    error instanceof ArcaError && error.code === 'InvalidResourceId' && reason.test(String(error.params.reason)));
}

describe('backup container and item names', () => {
  it('writes the canonical long forms', () => {
    assert.equal(formatContainerName(vm), 'IaasVMContainer;iaasvmcontainerv2;Prod-RG;Web01');
    assert.equal(formatProtectedItemName(vm), 'VM;iaasvmcontainerv2;Prod-RG;Web01');
  });

  const containers: [name: string, text: string][] = [
    ['the long form', 'IaasVMContainer;iaasvmcontainerv2;Prod-RG;Web01'],
    ['the long form in lower case, keeping group and VM case', 'iaasvmcontainer;IAASVMCONTAINERV2;Prod-RG;Web01'],
    ['the short form', 'iaasvmcontainerv2;Prod-RG;Web01'],
  ];
  for (const [name, text] of containers) {
    it(`reads a container name in ${name}`, () => assert.deepEqual(parseContainerName(text), vm));
  }

  const items: [name: string, text: string][] = [
    ['the long form', 'VM;iaasvmcontainerv2;Prod-RG;Web01'],
    ['the long form with a lower-case prefix', 'vm;iaasvmcontainerv2;Prod-RG;Web01'],
    ['the short form', 'iaasvmcontainerv2;Prod-RG;Web01'],
  ];
  for (const [name, text] of items) {
    it(`reads an item name in ${name}`, () => assert.deepEqual(parseProtectedItemName(text), vm));
  }

  it('reads back what it writes', () => {
    assert.deepEqual(parseContainerName(formatContainerName(vm)), vm);
    assert.deepEqual(parseProtectedItemName(formatProtectedItemName(vm)), vm);
  });

  const malformed: [name: string, run: () => unknown, reason: RegExp][] = [
    ['an item name given as a container', () => parseContainerName('VM;iaasvmcontainerv2;rg;vm'), /'VM;' begins a protected item name/],
    ['a container name given as an item', () => parseProtectedItemName('IaasVMContainer;iaasvmcontainerv2;rg;vm'), /begins a protection container name/],
    ['a classic machine', () => parseContainerName('IaasVMContainer;iaasvmcontainer;cs;vm'), /classic machines/],
    ['a classic machine in short form', () => parseProtectedItemName('iaasvmcontainer;cs;vm'), /classic machines/],
    ['an unknown container type', () => parseContainerName('StorageContainer;storage;rg;sa'), /must look like IaasVMContainer;iaasvmcontainerv2;/],
    ['a missing VM name', () => parseContainerName('IaasVMContainer;iaasvmcontainerv2;rg'), /has 1 parts after/],
    ['an extra part', () => parseProtectedItemName('VM;iaasvmcontainerv2;rg;vm;x'), /has 3 parts after/],
    ['an empty resource group', () => parseProtectedItemName('VM;iaasvmcontainerv2;;vm'), /resource group part is not valid/],
    ['a VM name with a forbidden character', () => parseContainerName('iaasvmcontainerv2;rg;we b'), /VM name part is not valid.*' '/],
    ['an empty string', () => parseContainerName(''), /must look like/],
  ];
  for (const [name, run, reason] of malformed) {
    it(`refuses ${name} with InvalidResourceId`, () => refused(run, reason));
  }

  it('refuses to write a name from an invalid VM name, naming the argument', () => {
    assert.throws(() => formatContainerName({ resourceGroup: 'rg', vmName: 'a;b' }), (error: unknown) =>
      error instanceof ArcaError && error.code === 'UserErrorInvalidArgument' && error.params.name === 'vmName');
  });

  const comparisons: [name: string, same: () => boolean, expected: boolean][] = [
    ['long and short container forms name the same container', () => sameContainerName('IaasVMContainer;iaasvmcontainerv2;Prod-RG;Web01', 'iaasvmcontainerv2;prod-rg;WEB01'), true],
    ['containers of different machines differ', () => sameContainerName('iaasvmcontainerv2;rg;vm1', 'iaasvmcontainerv2;rg;vm2'), false],
    ['items are compared without regard to case', () => sameProtectedItemName('VM;iaasvmcontainerv2;RG;VM1', 'vm;iaasvmcontainerv2;rg;vm1'), true],
    ['items in different groups differ', () => sameProtectedItemName('VM;iaasvmcontainerv2;rg1;vm', 'VM;iaasvmcontainerv2;rg2;vm'), false],
  ];
  for (const [name, same, expected] of comparisons) {
    it(name, () => assert.equal(same(), expected));
  }
});

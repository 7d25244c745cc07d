import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import { formatResourceId, parseResourceId } from './resource-id.ts';
import { resourceIdKey, sameResourceId } from './resource-id-equality.ts';
import { childId, expectResourceType, isResourceType, parentId, resourceName, resourceType } from './resource-id-path.ts';

const SUB = '/subscriptions/s1';
const RG = `${SUB}/resourceGroups/rg1`;
const VAULT = `${RG}/providers/Microsoft.RecoveryServices/vaults/v1`;
const CONTAINER = `${VAULT}/backupFabrics/Azure/protectionContainers/c1`;

describe('navigating resource ids', () => {
  const types: [text: string, type: string, name: string][] = [
    [SUB, 'Microsoft.Resources/subscriptions', 's1'],
    [RG, 'Microsoft.Resources/resourceGroups', 'rg1'],
    [VAULT, 'Microsoft.RecoveryServices/vaults', 'v1'],
    [CONTAINER, 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers', 'c1'],
  ];
  for (const [text, type, name] of types) {
    it(`gives ${text} the type ${type} and the name ${name}`, () => {
      const id = parseResourceId(text);
      assert.equal(resourceType(id), type);
      assert.equal(resourceName(id), name);
    });
  }

  it('compares resource types without regard to case', () => {
    assert.equal(isResourceType(parseResourceId(VAULT), 'microsoft.recoveryservices/VAULTS'), true);
    assert.equal(isResourceType(parseResourceId(VAULT), 'Microsoft.Compute/virtualMachines'), false);
  });

  const parents: [name: string, child: string, parent: string | undefined][] = [
    ['a child resource belongs to its parent resource', CONTAINER, `${VAULT}/backupFabrics/Azure`],
    ['a top-level resource belongs to its resource group', VAULT, RG],
    ['a resource group belongs to its subscription', RG, SUB],
    ['a subscription-scope resource belongs to its subscription', `${SUB}/providers/Microsoft.Compute/locations/x`, SUB],
    ['a subscription has no parent', SUB, undefined],
  ];
  for (const [name, child, parent] of parents) {
    it(name, () => {
      const result = parentId(parseResourceId(child));
      assert.equal(result && formatResourceId(result), parent);
      if (parent !== undefined) assert.deepEqual(result, parseResourceId(parent));
    });
  }

  it('adds a child under a resource and checks its name', () => {
    assert.equal(formatResourceId(childId(parseResourceId(VAULT), 'backupPolicies', 'daily')), `${VAULT}/backupPolicies/daily`);
    assert.throws(() => childId(parseResourceId(VAULT), 'backupPolicies', 'a/b'), { code: 'InvalidResourceId' });
  });

  it('refuses a child directly under a resource group', () => {
    assert.throws(() => childId(parseResourceId(RG), 'vaults', 'v'), (error: unknown) =>
      error instanceof ArcaError && /must belong to a resource/.test(String(error.params.reason)));
  });

  it('refuses an id of the wrong type where a given type is expected, naming both', () => {
    assert.throws(() => expectResourceType(parseResourceId(RG), 'Microsoft.RecoveryServices/vaults'), (error: unknown) =>
      error instanceof ArcaError &&
      error.code === 'InvalidResourceId' &&
      String(error.params.reason) === 'expected an id of type Microsoft.RecoveryServices/vaults, not Microsoft.Resources/resourceGroups');
  });
});

describe('comparing resource ids', () => {
  const pairs: [name: string, a: string, b: string, same: boolean][] = [
    ['ids differing only in the case of names are the same', VAULT, VAULT.toUpperCase().replace('/SUBSCRIPTIONS', '/subscriptions'), true],
    ['ids differing only in keyword spelling are the same', RG, `${SUB}/resourcegroups/RG1`, true],
    ['ids of different vaults differ', VAULT, VAULT.replace('/v1', '/v2'), false],
    ['a resource and its parent differ', CONTAINER, `${VAULT}/backupFabrics/Azure`, false],
  ];
  for (const [name, a, b, same] of pairs) {
    it(name, () => {
      assert.equal(sameResourceId(a, b), same);
      assert.equal(sameResourceId(parseResourceId(a), b), same);
    });
  }

  it('gives one lower-case key to every spelling of an id', () => {
    assert.equal(resourceIdKey(`${SUB}/RESOURCEGROUPS/Rg1`), '/subscriptions/s1/resourcegroups/rg1');
  });

  it('refuses to compare a malformed id rather than calling it different', () => {
    assert.throws(() => sameResourceId(VAULT, 'vaults/v1'), { code: 'InvalidResourceId' });
  });
});

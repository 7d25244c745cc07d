import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import { formatResourceId, parseResourceId, type ResourceId } from './resource-id.ts';

const SUB = '00000000-0000-0000-0000-000000000001';
const VAULT = `/subscriptions/${SUB}/resourceGroups/Backup-RG/providers/Microsoft.RecoveryServices/vaults/MyVault`;

function refused(text: string, reason: RegExp): void {
  assert.throws(
    () => parseResourceId(text),
    (error: unknown) =>
      error instanceof ArcaError &&
      error.code === 'InvalidResourceId' &&
      error.params.resourceId === text &&
      reason.test(String(error.params.reason)),
  );
}

describe('parsing resource ids', () => {
  const valid: { name: string; text: string; expected: ResourceId }[] = [
    { name: 'a bare subscription id', text: `/subscriptions/${SUB}`, expected: { subscriptionId: SUB, types: [] } },
    {
      name: 'a resource group id',
      text: `/subscriptions/${SUB}/resourceGroups/Backup-RG`,
      expected: { subscriptionId: SUB, resourceGroup: 'Backup-RG', types: [] },
    },
    {
      name: 'a vault under a resource group',
      text: VAULT,
      expected: {
        subscriptionId: SUB,
        resourceGroup: 'Backup-RG',
        provider: 'Microsoft.RecoveryServices',
        types: [{ type: 'vaults', name: 'MyVault' }],
      },
    },
    {
      name: 'a protected item nested three levels under its vault, with semicolons in names',
      text: `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm1/protectedItems/VM;iaasvmcontainerv2;rg;vm1`,
      expected: {
        subscriptionId: SUB,
        resourceGroup: 'Backup-RG',
        provider: 'Microsoft.RecoveryServices',
        types: [
          { type: 'vaults', name: 'MyVault' },
          { type: 'backupFabrics', name: 'Azure' },
          { type: 'protectionContainers', name: 'IaasVMContainer;iaasvmcontainerv2;rg;vm1' },
          { type: 'protectedItems', name: 'VM;iaasvmcontainerv2;rg;vm1' },
        ],
      },
    },
    {
      name: 'a resource at subscription scope',
      text: `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westeurope`,
      expected: { subscriptionId: SUB, provider: 'Microsoft.Compute', types: [{ type: 'locations', name: 'westeurope' }] },
    },
    {
      name: 'keywords in any case, keeping the case of names',
      text: `/SUBSCRIPTIONS/${SUB}/resourcegroups/Backup-RG/PROVIDERS/Microsoft.Compute/virtualMachines/Web-01`,
      expected: {
        subscriptionId: SUB,
        resourceGroup: 'Backup-RG',
        provider: 'Microsoft.Compute',
        types: [{ type: 'virtualMachines', name: 'Web-01' }],
      },
    },
  ];
  for (const { name, text, expected } of valid) {
    it(`reads ${name}`, () => assert.deepEqual(parseResourceId(text), expected));
  }

  it('writes keywords in canonical spelling and names as they were read', () => {
    const text = `/subscriptions/${SUB}/RESOURCEGROUPS/rg/providers/Microsoft.Compute/virtualMachines/Web-01`;
    assert.equal(
      formatResourceId(parseResourceId(text)),
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/Web-01`,
    );
  });

  it('writes back exactly every canonical id it reads', () => {
    for (const { text } of valid.slice(0, 5)) assert.equal(formatResourceId(parseResourceId(text)), text);
  });

  const malformed: { name: string; text: string; reason: RegExp }[] = [
    { name: 'an empty id', text: '', reason: /is empty/ },
    { name: 'an id without the leading slash', text: `subscriptions/${SUB}`, reason: /must start with '\/'/ },
    { name: 'an id ending with a slash', text: `/subscriptions/${SUB}/`, reason: /ends with '\/'/ },
    { name: 'a doubled slash', text: `/subscriptions/${SUB}//resourceGroups/rg`, reason: /segment 3 is empty/ },
    { name: 'an unknown top keyword', text: `/tenants/${SUB}`, reason: /must begin with '\/subscriptions\/', not '\/tenants\/'/ },
    { name: 'a missing subscription id', text: '/subscriptions', reason: /subscription id is missing/ },
    { name: 'a missing resource group name', text: `/subscriptions/${SUB}/resourceGroups`, reason: /resource group name is missing/ },
    { name: 'an unknown keyword after the subscription', text: `/subscriptions/${SUB}/groups/rg`, reason: /expected 'resourceGroups' or 'providers'.*'groups'/ },
    { name: 'an unknown keyword after the group', text: `/subscriptions/${SUB}/resourceGroups/rg/vaults/v`, reason: /expected 'providers' after the resource group name, found 'vaults'/ },
    { name: 'a missing provider namespace', text: `/subscriptions/${SUB}/resourceGroups/rg/providers`, reason: /provider namespace is missing/ },
    { name: 'a provider without a resource', text: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute`, reason: /must be followed by a resource type and a name/ },
    { name: 'a namespace without a dot', text: `/subscriptions/${SUB}/resourceGroups/rg/providers/Compute/vms/a`, reason: /'Compute' is not of the form Company.Service/ },
    { name: 'a type without its name (odd segment count)', text: `${VAULT}/backupPolicies`, reason: /'backupPolicies' has no name after it/ },
    { name: 'a nested provider (extension resource)', text: `${VAULT}/providers/Microsoft.Authorization/locks/l`, reason: /nested '\/providers\/'/ },
    { name: 'a type with punctuation', text: `${VAULT}/backup-Policies/p1`, reason: /'backup-Policies' is not a valid type name/ },
    { name: 'a name with a question mark', text: `${VAULT}/backupPolicies/daily?x=1`, reason: /backupPolicies name 'daily\?x=1' contains '\?'/ },
    { name: 'a name with a hash', text: `${VAULT}/backupPolicies/daily#1`, reason: /contains '#'/ },
    { name: 'a name with a control character', text: `${VAULT}/backupPolicies/da\u0007ily`, reason: /control character U\+0007/ },
    { name: 'a group name ending with a space', text: `/subscriptions/${SUB}/resourceGroups/rg `, reason: /begins or ends with a space/ },
    { name: 'an over-long name', text: `${VAULT}/backupPolicies/${'p'.repeat(261)}`, reason: /261 characters long; names are limited to 260/ },
    { name: 'an over-long id', text: `/subscriptions/${SUB}/resourceGroups/rg/providers/A.B${'/t/n'.repeat(600)}`, reason: /ids are limited to 2048/ },
  ];
  for (const { name, text, reason } of malformed) {
    it(`refuses ${name} with InvalidResourceId and a precise reason`, () => refused(text, reason));
  }
});

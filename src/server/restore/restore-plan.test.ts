import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_CAPABILITIES } from '../../core/versions/agent-version.ts';
import { agentWritable } from './restore-plan.ts';
import type { RestoreSource } from './restore-source.ts';

const VM_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-1';

/** What agentWritable reads of a restore's source: the machine's agent and disks, the point's disks. */
function source(agent: { status: string; version?: string }): RestoreSource {
  return {
    vm: { id: VM_ID, runtime: { agent }, properties: { storageProfile: { osDisk: { name: 'os', path: '/vms/os.img' }, dataDisks: [] } } },
    point: { arca: { disks: [{ name: 'os', sizeBytes: 1024 }] } },
  } as unknown as RestoreSource;
}

describe('a vault-tier restore on the machine', () => {
  it("is asked of an agent at least as new as the version that brought it", () => {
    assert.deepEqual(agentWritable(source({ status: 'Ready', version: AGENT_CAPABILITIES.vaultTierRestore })), { collectionId: VM_ID });
    assert.deepEqual(agentWritable(source({ status: 'Ready', version: '9.0.0' })), { collectionId: VM_ID });
  });

  it('is not asked of an older agent, or one that never said its version: the vault writes new disk files instead', () => {
    for (const version of ['0.0.9', '0.1.0-rc.1', 'unknown', undefined]) {
      assert.equal(agentWritable(source({ status: 'Ready', ...(version === undefined ? {} : { version }) })), undefined, String(version));
    }
    assert.equal(agentWritable(source({ status: 'NotInstalled', version: '9.0.0' })), undefined);
  });
});

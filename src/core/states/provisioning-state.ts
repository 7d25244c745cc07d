import { defineMachine } from './state-machine.ts';

/**
 * A virtual machine's provisioning state, spelled as Azure's `provisioningState` property.
 * Removal is not a state: a VM whose deletion succeeds is gone. `Failed` is not terminal, because
 * the next update (a redeploy, a start) is how a machine recovers.
 */
export const PROVISIONING_STATES = ['Creating', 'Updating', 'Succeeded', 'Failed', 'Deleting', 'Migrating'] as const;
export type ProvisioningState = (typeof PROVISIONING_STATES)[number];

export const provisioningStateMachine = defineMachine<ProvisioningState>({
  subject: 'ProvisioningState',
  initial: ['Creating'],
  transitions: {
    Creating: ['Succeeded', 'Failed', 'Deleting'],
    Updating: ['Succeeded', 'Failed'],
    Succeeded: ['Updating', 'Deleting', 'Migrating'],
    Failed: ['Updating', 'Deleting'],
    // A delete that fails leaves the machine in place, and Azure then shows it as Failed.
    Deleting: ['Failed'],
    Migrating: ['Succeeded', 'Failed'],
  },
});

/** Azure's instance-view status code, e.g. `ProvisioningState/succeeded`. */
export function provisioningStateCode(state: ProvisioningState): string {
  return `ProvisioningState/${state.toLowerCase()}`;
}

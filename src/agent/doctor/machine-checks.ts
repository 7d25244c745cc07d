import { agentRegisteredCheck, agentServiceCheck, runtimeCheck } from './agent-checks.ts';
import type { Check } from './check.ts';
import { configFileCheck, extensionsEnabledCheck } from './config-checks.ts';
import { diskSizeCheck, mountsCheck } from './disk-checks.ts';
import { extensionsCheck, snapshotFilesCheck } from './extension-checks.ts';
import { fsckCheck } from './fsck-checks.ts';
import type { MachineContext } from './machine-context.ts';
import { vaultEndpointCheck } from './network-checks.ts';
import { dhcpCheck, loadCheck, rebootCheck, updatesCheck } from './system-checks.ts';

/** The machine's checklist, in the seed's order: the OS, the agent, its configuration, extensions, network, disks, load. */
export const MACHINE_CHECKS: readonly Check<MachineContext>[] = [
  rebootCheck,
  updatesCheck,
  agentRegisteredCheck,
  agentServiceCheck,
  runtimeCheck,
  extensionsEnabledCheck,
  configFileCheck,
  extensionsCheck,
  snapshotFilesCheck,
  vaultEndpointCheck,
  dhcpCheck,
  diskSizeCheck,
  mountsCheck,
  fsckCheck,
  loadCheck,
];

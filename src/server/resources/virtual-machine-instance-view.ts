import { compareAgentVersions } from '../../core/versions/agent-version.ts';
import { powerStateCode, provisioningStateCode, type AgentStatus, type ExtensionStatus } from '../../core/states/index.ts';
import type { ExtensionRuntime, VirtualMachineRecord, VmDisk } from './virtual-machine-model.ts';

/**
 * Azure's instance view of a VM, built from what Arca stores: the status list (provisioning state,
 * then power state), the guest agent, extensions and disks. Status entries have Azure's shape
 * `{code, level, displayStatus, message?, time?}` so that tools reading Azure's read Arca's.
 */
export interface InstanceViewStatus {
  readonly code: string;
  readonly level: 'Info' | 'Warning' | 'Error';
  readonly displayStatus: string;
  readonly message?: string;
  readonly time?: string;
}

const PROVISIONING_DISPLAY: Readonly<Record<string, string>> = { Succeeded: 'Provisioning succeeded', Failed: 'Provisioning failed' };

const AGENT: Readonly<Record<AgentStatus, { code: string; level: InstanceViewStatus['level']; displayStatus: string; message: string }>> = {
  Ready: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready', message: 'The guest agent is running and reporting.' },
  NotReady: { code: 'ProvisioningState/Unavailable', level: 'Warning', displayStatus: 'Not Ready', message: 'The guest agent reported that it is not ready.' },
  Unresponsive: { code: 'ProvisioningState/Unavailable', level: 'Warning', displayStatus: 'Unresponsive', message: 'The guest agent has not reported within the expected window.' },
  NotInstalled: { code: 'ProvisioningState/Unavailable', level: 'Warning', displayStatus: 'Not Installed', message: 'No guest agent has ever reported from this machine.' },
};

const EXTENSION: Readonly<Record<ExtensionStatus, { code: string; level: InstanceViewStatus['level']; displayStatus: string }>> = {
  transitioning: { code: 'ProvisioningState/transitioning', level: 'Info', displayStatus: 'Transitioning' },
  success: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded' },
  warning: { code: 'ProvisioningState/succeeded', level: 'Warning', displayStatus: 'Provisioning succeeded with warnings' },
  error: { code: 'ProvisioningState/failed', level: 'Error', displayStatus: 'Provisioning failed' },
};

function extensionView(extension: ExtensionRuntime) {
  const status = extension.status;
  const statuses: InstanceViewStatus[] = status
    ? [{ ...EXTENSION[status.status], message: status.message, time: status.time }]
    : [{ code: 'ProvisioningState/Unavailable', level: 'Warning', displayStatus: 'No status reported' }];
  return { name: extension.name, type: extension.type, typeHandlerVersion: extension.typeHandlerVersion, handlerState: extension.handlerState, substatuses: [], statuses };
}

function diskView(disk: VmDisk) {
  const { type, keyVaultId, secretUrl, keyUrl } = disk.encryption;
  const encrypted = type !== 'None';
  return {
    name: disk.name,
    diskSizeGB: disk.diskSizeGB,
    encryptionSettings: [
      {
        enabled: encrypted,
        ...(secretUrl && keyVaultId ? { diskEncryptionKey: { secretUrl, sourceVault: { id: keyVaultId } } } : {}),
        ...(keyUrl && keyVaultId ? { keyEncryptionKey: { keyUrl, sourceVault: { id: keyVaultId } } } : {}),
      },
    ],
    encryption: type,
    statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded' }],
  };
}

/**
 * An agent older than the vault's minimum (ADR 7) gets a second status with the catalog's code, so
 * that `arca vm show`, `arca doctor` and Azure tools see it beside the agent's own status.
 */
function outdatedStatus(version: string | undefined, minimum: string | undefined): InstanceViewStatus[] {
  if (version === undefined || minimum === undefined || compareAgentVersions(version, minimum) >= 0) return [];
  return [{ code: 'UserErrorGuestAgentOutdated', level: 'Warning', displayStatus: 'Agent out of date', message: `The agent is version ${version}; the vault supports ${minimum} and later.` }];
}

export function instanceView(vm: VirtualMachineRecord, options: { readonly minimumAgentVersion?: string } = {}) {
  const { runtime, properties } = vm;
  const agent = runtime.agent;
  const provisioning = properties.provisioningState;
  return {
    ...(properties.osProfile ? { computerName: properties.osProfile.computerName } : {}),
    ...(runtime.os?.name ? { osName: runtime.os.name } : {}),
    ...(runtime.os?.version ? { osVersion: runtime.os.version } : {}),
    vmAgent: {
      ...(agent.version ? { vmAgentVersion: agent.version } : { vmAgentVersion: 'Unknown' }),
      statuses: [
        { ...AGENT[agent.status], ...(agent.message ? { message: agent.message } : {}), ...(agent.lastReport ? { time: agent.lastReport } : {}) },
        ...outdatedStatus(agent.version, options.minimumAgentVersion),
      ],
      extensionHandlers: runtime.extensions.map((extension) => ({
        type: extension.type,
        typeHandlerVersion: extension.typeHandlerVersion,
        status: extension.handlerState === 'Enabled'
          ? { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready' }
          : { code: 'ProvisioningState/Unavailable', level: extension.handlerState === 'FailedUpgrade' ? 'Error' : 'Warning', displayStatus: 'Not Ready', message: `Handler state ${extension.handlerState}` },
      })),
    },
    disks: [properties.storageProfile.osDisk, ...properties.storageProfile.dataDisks].map(diskView),
    extensions: runtime.extensions.map(extensionView),
    statuses: [
      { code: provisioningStateCode(provisioning), level: provisioning === 'Failed' ? 'Error' : 'Info', displayStatus: PROVISIONING_DISPLAY[provisioning] ?? provisioning },
      { code: powerStateCode(runtime.powerState), level: 'Info', displayStatus: `VM ${runtime.powerState}` },
    ],
  };
}

import { Command } from 'commander';
import { partsOf } from '../../client/backup-api.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';
import { vmExtensionCommand } from './vm-extension.ts';
import { addVmPowerCommands } from './vm-power.ts';

interface Status {
  code?: string;
  level?: string;
  displayStatus?: string;
  message?: string;
}

interface InstanceView {
  vmAgent?: { vmAgentVersion?: string; statuses?: Status[]; extensionHandlers?: { type?: string; typeHandlerVersion?: string; status?: Status }[] };
  extensions?: { name?: string; type?: string; statuses?: Status[] }[];
  disks?: { name?: string; diskSizeGB?: number; encryption?: string }[];
  statuses?: Status[];
}

const stateOf = (view: InstanceView, prefix: string) => view.statuses?.find((s) => s.code?.startsWith(prefix))?.displayStatus ?? '';
/** Statuses after the agent's own (UserErrorGuestAgentOutdated, ADR 7), each as a line with its code. */
const agentWarnings = (view: InstanceView): [string, string][] =>
  (view.vmAgent?.statuses ?? []).slice(1).map((s): [string, string] => ['agent warning', `${s.code ?? ''}: ${s.message ?? s.displayStatus ?? ''}`]);
const agentOf = (view: InstanceView) => view.vmAgent?.statuses?.[0]?.displayStatus ?? '';

export function vmCommand(): Command {
  const command = new Command('vm').description('virtual machines: registered by their agents or declared through the API');

  withTarget(command.command('list'), { vault: false })
    .description('list the machines with their power state and agent status')
    .addHelpText('after', '\nExample:\n  arca vm list\n')
    .action(async function (this: Command) {
      const session = await openSession(this);
      const vms = await session.api.listVms();
      const views = await Promise.all(vms.map((vm) => session.api.instanceView(partsOf(vm.id).resourceGroup, vm.name) as Promise<InstanceView>));
      if (session.out.format === 'json') return printJson(session.out, vms.map((vm, i) => ({ ...vm, instanceView: views[i] })));
      session.out.write(
        formatTable(
          ['NAME', 'RESOURCE GROUP', 'LOCATION', 'POWER', 'AGENT', 'AGENT VERSION'],
          vms.map((vm, i) => {
            const view = views[i] ?? {};
            return [vm.name, partsOf(vm.id).resourceGroup, vm.location ?? '', stateOf(view, 'PowerState/'), agentOf(view), view.vmAgent?.vmAgentVersion ?? ''];
          }),
        ),
      );
    });

  withTarget(command.command('show'), { vault: false })
    .description('show a machine: states, guest agent, extensions and disks')
    .argument('<vm>', 'the machine (name or resource id)')
    .option('--vm-resource-group <name>', 'its resource group, when the name is used in several')
    .addHelpText('after', '\nExamples:\n  arca vm show web-1\n  arca vm show web-1 --vm-resource-group prod -o json\n')
    .action(async function (this: Command, name: string, opts: { vmResourceGroup?: string }) {
      const session = await openSession(this);
      const vm = await session.vm(name, opts.vmResourceGroup);
      const view = (await session.api.instanceView(vm.resourceGroup, vm.name)) as InstanceView;
      if (session.out.format === 'json') return printJson(session.out, { ...vm.resource, instanceView: view });
      const props = vm.resource.properties as { vmId?: string; hardwareProfile?: { vmSize?: string } };
      const agent = view.vmAgent?.statuses?.[0];
      const lines = [
        keyValues([
          ['name', vm.name],
          ['resource group', vm.resourceGroup],
          ['location', vm.resource.location],
          ['vmId', props.vmId],
          ['size', props.hardwareProfile?.vmSize],
          ['provisioning', stateOf(view, 'ProvisioningState/')],
          ['power', stateOf(view, 'PowerState/')],
          ['agent', `${agent?.displayStatus ?? 'Unknown'} (version ${view.vmAgent?.vmAgentVersion ?? 'Unknown'})${agent?.message ? `: ${agent.message}` : ''}`],
          ...agentWarnings(view),
        ]),
        'extensions:\n',
        (view.extensions ?? []).length === 0
          ? '  -\n'
          : formatTable(['NAME', 'TYPE', 'STATUS', 'MESSAGE'], (view.extensions ?? []).map((e) => [e.name ?? '', e.type ?? '', e.statuses?.[0]?.displayStatus ?? '', e.statuses?.[0]?.message ?? ''])),
        'disks:\n',
        formatTable(['NAME', 'SIZE GB', 'ENCRYPTION'], (view.disks ?? []).map((d) => [d.name ?? '', String(d.diskSizeGB ?? ''), d.encryption ?? ''])),
      ];
      session.out.write(lines.join(''));
    });

  addVmPowerCommands(command);
  command.addCommand(vmExtensionCommand());
  return command;
}

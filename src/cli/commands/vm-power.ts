import type { Command } from 'commander';
import { POWER_ACTIONS, ResourceApi, type PowerAction } from '../../client/resource-api.ts';
import { openSession, withTarget } from '../context/session.ts';
import { printJson } from '../output.ts';

const ACTIONS: Readonly<Record<PowerAction, { description: string; example: string }>> = {
  start: { description: 'start a stopped or deallocated machine', example: 'arca vm start web-1' },
  stop: { description: 'power a machine off; it stays allocated (a restore over its own disks needs it stopped)', example: 'arca vm stop web-1 --vm-resource-group prod' },
  restart: { description: 'restart a running machine', example: 'arca vm restart web-1 -o json' },
  deallocate: { description: 'power a machine off and release it', example: 'arca vm deallocate web-1' },
};

interface PowerView {
  statuses?: { code?: string }[];
}

/** `arca vm start|stop|restart|deallocate NAME`: the machine's power actions; each prints the power state it ends in. */
export function addVmPowerCommands(vm: Command): Command {
  for (const action of Object.keys(POWER_ACTIONS) as PowerAction[]) {
    const { description, example } = ACTIONS[action];
    withTarget(vm.command(action), { vault: false })
      .description(description)
      .argument('<vm>', 'the machine (name or resource id)')
      .option('--vm-resource-group <name>', 'its resource group, when the name is used in several')
      .addHelpText('after', `\nExample:\n  ${example}\n`)
      .action(async function (this: Command, name: string, opts: { vmResourceGroup?: string }) {
        const session = await openSession(this);
        const machine = await session.vm(name, opts.vmResourceGroup);
        await new ResourceApi(session.api.arm).power(machine.resourceGroup, machine.name, action);
        const view = (await session.api.instanceView(machine.resourceGroup, machine.name)) as PowerView;
        const powerState = view.statuses?.find((s) => s.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length) ?? 'unknown';
        if (session.out.format === 'json') return printJson(session.out, { name: machine.name, resourceGroup: machine.resourceGroup, action, powerState });
        session.out.write(`${machine.name}: ${action} done, power state ${powerState}\n`);
      });
  }
  return vm;
}

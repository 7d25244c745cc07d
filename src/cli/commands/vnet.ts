import { Command } from 'commander';
import { partsOf, type Resource } from '../../client/backup-api.ts';
import { ResourceApi } from '../../client/resource-api.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';
import { findByName } from './resource-lookup.ts';

type Network = Resource<{ addressSpace?: { addressPrefixes?: string[] }; subnets?: { name: string; properties?: { addressPrefix?: string } }[]; provisioningState?: string }>;

/** `arca vnet list|show`: virtual networks and their subnets, which a restore that creates a machine attaches it to. */
export function vnetCommand(): Command {
  const command = new Command('vnet').alias('vnets').description('virtual networks and their subnets (a restored machine is attached to one)');

  withTarget(command.command('list'), { vault: false })
    .description('list virtual networks with their address space and subnets')
    .option('--resource-group <name>', 'only this resource group')
    .addHelpText('after', '\nExample:\n  arca vnet list --resource-group prod\n')
    .action(async function (this: Command, opts: { resourceGroup?: string }) {
      const session = await openSession(this);
      const networks = (await new ResourceApi(session.api.arm).listVirtualNetworks(opts.resourceGroup)) as Network[];
      if (session.out.format === 'json') return printJson(session.out, networks);
      session.out.write(
        formatTable(
          ['NAME', 'RESOURCE GROUP', 'LOCATION', 'ADDRESS SPACE', 'SUBNETS'],
          networks.map((n) => [n.name, partsOf(n.id).resourceGroup, n.location ?? '', (n.properties.addressSpace?.addressPrefixes ?? []).join(','), (n.properties.subnets ?? []).map((s) => s.name).join(',')]),
        ),
      );
    });

  withTarget(command.command('show'), { vault: false })
    .description('show a virtual network: its region, address space and each subnet with its prefix')
    .argument('<vnet>', 'the network (name or resource id)')
    .option('--resource-group <name>', 'its resource group (default: found from the name)')
    .addHelpText('after', '\nExamples:\n  arca vnet show prod-net\n  arca vnet show prod-net --resource-group prod -o json\n')
    .action(async function (this: Command, name: string, opts: { resourceGroup?: string }) {
      const session = await openSession(this);
      const api = new ResourceApi(session.api.arm);
      const found = await findByName(name, 'virtual network', opts.resourceGroup, (g, n) => api.getVirtualNetwork(g, n), () => api.listVirtualNetworks());
      const network = found.resource as Network;
      if (session.out.format === 'json') return printJson(session.out, network);
      const subnets = network.properties.subnets ?? [];
      session.out.write(
        keyValues([
          ['name', network.name],
          ['resource group', found.resourceGroup],
          ['location', network.location],
          ['address space', (network.properties.addressSpace?.addressPrefixes ?? []).join(', ')],
          ['provisioning', network.properties.provisioningState],
        ]) +
          'subnets:\n' +
          (subnets.length === 0 ? '  -\n' : formatTable(['NAME', 'ADDRESS PREFIX'], subnets.map((s) => [s.name, s.properties?.addressPrefix ?? '']))),
      );
    });

  return command;
}

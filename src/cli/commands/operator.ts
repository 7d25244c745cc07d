import type { Command } from 'commander';
import { backupCommand } from './backup.ts';
import { contextCommand } from './context.ts';
import { jobCommand } from './job.ts';
import { keyVaultCommand } from './keyvault.ts';
import { lockCommand } from './lock.ts';
import { loginCommand } from './login.ts';
import { pointCommand } from './point.ts';
import { policyCommand } from './policy.ts';
import { protectionCommand } from './protection.ts';
import { quotaCommand } from './quota.ts';
import { restoreCommand } from './restore.ts';
import { storageAccountCommand } from './storage-account.ts';
import { vaultCommand } from './vault.ts';
import { versionCommand } from './version.ts';
import { vmCommand } from './vm.ts';
import { vnetCommand } from './vnet.ts';
import { whoamiCommand } from './whoami.ts';

/** The operator's commands over the REST API (through src/client), in the order `arca --help` lists them. */
export function addOperatorCommands(program: Command): Command {
  return program
    .addCommand(loginCommand())
    .addCommand(contextCommand())
    .addCommand(whoamiCommand())
    .addCommand(vaultCommand())
    .addCommand(policyCommand())
    .addCommand(vmCommand())
    .addCommand(protectionCommand())
    .addCommand(backupCommand())
    .addCommand(jobCommand())
    .addCommand(pointCommand())
    .addCommand(restoreCommand())
    .addCommand(lockCommand())
    .addCommand(storageAccountCommand())
    .addCommand(vnetCommand())
    .addCommand(quotaCommand())
    .addCommand(keyVaultCommand())
    .addCommand(versionCommand());
}

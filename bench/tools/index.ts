import { arcaTool } from './arca.ts';
import { borgTool } from './borg.ts';
import { resticTool } from './restic.ts';
import type { BenchTool, ToolContext, ToolName } from './tool.ts';

export { TOOL_NAMES, BACKUP_PHASES } from './tool.ts';
export type { BackupPhase, BenchTool, ToolName } from './tool.ts';

const FACTORIES: Record<ToolName, (context: ToolContext) => BenchTool> = {
  arca: arcaTool,
  restic: resticTool,
  borg: borgTool,
};

export function createTool(name: ToolName, context: ToolContext): BenchTool {
  return FACTORIES[name](context);
}

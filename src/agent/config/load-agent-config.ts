import { readFile } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';
import { DEFAULT_CONFIG_PATH } from './agent-config-keys.ts';
import { formatFinding, parseAgentConfig, type ParsedAgentConfig } from './parse-agent-config.ts';

export interface LoadedAgentConfig extends ParsedAgentConfig {
  readonly path: string;
  /** False when the default file does not exist and the defaults apply. */
  readonly fromFile: boolean;
}

/**
 * Reads the configuration file. The default path may be absent (every key has a default); a path
 * given with `--config` must exist, since a mistyped path would otherwise be silently ignored.
 */
export async function loadAgentConfig(path: string | undefined): Promise<LoadedAgentConfig> {
  const file = path ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && path === undefined) return { ...parseAgentConfig(''), path: file, fromFile: false };
    const parsed = parseAgentConfig('');
    return { ...parsed, findings: [{ severity: 'error', message: `cannot read the file: ${(error as Error).message}` }], path: file, fromFile: false };
  }
  return { ...parseAgentConfig(text), path: file, fromFile: true };
}

/** The configuration, or AgentConfigurationInvalid listing every error with its line. */
export function requireValidConfig(loaded: LoadedAgentConfig): LoadedAgentConfig {
  const errors = loaded.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return loaded;
  throw new ArcaError('AgentConfigurationInvalid', { path: loaded.path, count: errors.length, findings: errors.map((f) => formatFinding(loaded.path, f)).join('; ') });
}

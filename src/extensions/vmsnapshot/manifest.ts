import { fileURLToPath } from 'node:url';
import { SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION } from '../../protocol/index.ts';
import type { HandlerPackages } from '../host/extension-host.ts';
import { parseHandlerManifest, type HandlerManifest } from '../host/handler-manifest.ts';
import { DEFAULT_CONFIG_PATH } from './config.ts';

export interface VmSnapshotManifestOptions {
  /** How to start `arca` (default: this Node.js running this checkout's bin/arca.js). */
  readonly arca?: readonly string[];
  readonly configPath?: string;
  /** The enable command carries the whole task, transfer included. */
  readonly taskTimeoutSeconds?: number;
}

const ARCA_BIN = fileURLToPath(new URL('../../../bin/arca.js', import.meta.url));

/** The handler manifest of the VMSnapshot extension shipped with this agent. */
export function vmSnapshotManifest(options: VmSnapshotManifestOptions = {}): HandlerManifest {
  const arca = options.arca ?? [process.execPath, ARCA_BIN];
  const command = (name: string, timeoutSeconds: number) => ({ argv: [...arca, 'extension', 'vmsnapshot', name, '--config', options.configPath ?? DEFAULT_CONFIG_PATH], timeoutSeconds });
  return parseHandlerManifest({
    name: SNAPSHOT_EXTENSION,
    version: SNAPSHOT_EXTENSION_VERSION,
    commands: {
      install: command('install', 300),
      enable: command('enable', options.taskTimeoutSeconds ?? 6 * 3600),
      disable: command('disable', 300),
      uninstall: command('uninstall', 300),
      update: command('update', 300),
    },
    continueOnFailure: true,
  });
}

/** Handler packages from a fixed list of manifests (the extensions shipped with the agent). */
export function shippedPackages(manifests: readonly HandlerManifest[]): HandlerPackages {
  return { manifest: (name, version) => manifests.find((m) => m.name.toLowerCase() === name.toLowerCase() && m.version === version) };
}

export { AgentPackageStore, type AgentPackageInfo, type AgentPackageStoreOptions } from './agent-package-store.ts';
export { registerAgentPackageRoutes } from './agent-package-routes.ts';

/** Under the server's data directory: `arca-agent-<version>.tar.gz` and its `.sha256` (ADR 7). */
export const AGENT_PACKAGES_DIR = 'agent-packages';

/**
 * The oldest agent a vault supports unless `--agent-min-version` says otherwise: 0.1.0 is the first
 * agent that speaks the agent protocol of api-version 2026-11-01, so nothing older can talk to it.
 */
export const DEFAULT_MINIMUM_AGENT_VERSION = '0.1.0';

import type { ArmClient } from './arm-client.ts';
import { API_VERSIONS } from './backup-api.ts';
import { rawBody } from './http.ts';

/** One agent package the vault offers (ADR 7), as `GET /arca/agentPackages` lists it. */
export interface AgentPackageInfo {
  readonly version: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly published: string;
}

export interface AgentPackageList {
  readonly value: AgentPackageInfo[];
  readonly newest: string | null;
  readonly minimumAgentVersion: string | null;
}

/** The vault's agent packages: listing and publishing them is for Owners (the `administer` action). */
export class AgentPackageApi {
  readonly arm: ArmClient;

  constructor(arm: ArmClient) {
    this.arm = arm;
  }

  list(): Promise<AgentPackageList> {
    return this.arm.get<AgentPackageList>('/arca/agentPackages', API_VERSIONS.arca);
  }

  /** Publishes a package; `created` is false when the vault already had these very bytes under that version. */
  async publish(version: string, archive: Uint8Array): Promise<{ info: AgentPackageInfo; created: boolean }> {
    const answer = await this.arm.call('PUT', `/arca/agentPackages/${version}`, API_VERSIONS.arca, { body: rawBody(archive, 'application/gzip') });
    return { info: answer.body as AgentPackageInfo, created: answer.status === 201 };
  }
}

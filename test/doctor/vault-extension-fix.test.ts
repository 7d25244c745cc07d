import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AGENT_API_VERSION, AGENT_PATHS, SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION, type StatusReport } from '../../src/protocol/index.ts';
import type { RunningServer } from '../support/arca-process.ts';
import type { ArmTestClient } from '../support/arm-client.ts';
import { httpsRequest } from '../support/https-client.ts';
import { TestAgent } from '../support/test-agent.ts';
import { signedInCli, type cli } from '../cli/cli-support.ts';
import { findingsOf, type DoctorJson } from './machine-fixture.ts';

/**
 * `arca doctor --vm --fix` for a snapshot extension whose agent reports it failed: the doctor names
 * UserErrorVmProvisioningStateFailed, offers to remove the extension, and with --fix removes it
 * through the vault's API (no --yes needed: no backup data is touched), after which the machine is
 * no longer Failed. The real binary against a real server; the agent's report is a real status PUT.
 */
describe('arca doctor --vm --fix: a failed snapshot extension', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let arca: ReturnType<typeof cli>;
  let agent: TestAgent;
  let machineId: string;

  const doctor = async (args: readonly string[] = []): Promise<{ code: number | null; json: DoctorJson }> => {
    const run = await arca(['doctor', '--vm', 'web-1', '-o', 'json', ...args]);
    assert.ok(run.stdout.startsWith('{'), `${run.stdout}\n${run.stderr}`);
    return { code: run.code, json: JSON.parse(run.stdout) as DoctorJson };
  };

  /** The agent reports the snapshot extension failed to enable, as WALinuxAgent reports a handler whose enable exited 1. */
  const reportFailed = async () => {
    const report: StatusReport = {
      agent: { status: 'Ready', version: '1.0.0' },
      extensions: [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState: 'Enabled', status: { status: 'error', code: 1, message: 'enable failed: exit 1' } }],
      tasks: [],
    };
    const answer = await httpsRequest('PUT', `${server.url}${AGENT_PATHS.status(machineId)}?api-version=${AGENT_API_VERSION}`, arm.ca, { authorization: `Bearer ${agent.token}` }, report);
    assert.equal(answer.status, 200, answer.body);
  };

  before(async () => {
    ({ dataDir, workDir, server, arm, arca } = await signedInCli('arca-doctor-ext-', { vault: true }));
    const made = JSON.parse((await arca(['agent', 'token', 'create', '--create', '--vm', 'web-1', '--resource-group', 'prod', '-o', 'json'])).stdout) as { machineId: string; secret: string };
    machineId = made.machineId;
    const disk = join(workDir, 'web-1-os.img');
    await writeFile(disk, Buffer.alloc(1 << 20));
    agent = await TestAgent.register({ url: server.url, ca: arm.ca, serverDataDir: dataDir, machineId, disks: [{ name: 'web-1-os', path: disk }], workDir }, made.secret);
    await reportFailed();
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('names the failed extension with its code and the fix it can make, and changes nothing without --fix', async () => {
    const { code, json } = await doctor();
    assert.equal(code, 1);
    const [extension] = findingsOf(json, 'vault.extensions');
    assert.equal(extension?.status, 'FAIL');
    assert.equal(extension?.code, 'UserErrorVmProvisioningStateFailed');
    assert.match(extension?.detail ?? '', new RegExp(`^${SNAPSHOT_EXTENSION.replaceAll('.', '\\.')}: .*enable failed: exit 1`));
    const offered = (extension as { fix?: { description: string; destructive: boolean } } | undefined)?.fix;
    assert.deepEqual(offered, { description: `remove the failed extension ${SNAPSHOT_EXTENSION} from web-1 so that the next backup reinstalls it`, destructive: false });
    assert.ok(findingsOf(json, 'vault.agent').some((f) => f.code === 'UserErrorVmProvisioningStateFailed'), 'the failed extension makes the machine Failed');
    assert.equal(json.fixes, undefined);
    const table = await arca(['doctor', '--vm', 'web-1']);
    assert.match(table.stdout, new RegExp(`--fix: remove the failed extension ${SNAPSHOT_EXTENSION.replaceAll('.', '\\.')} from web-1 so that the next backup reinstalls it\n`));
    const spanish = findingsOf((await doctor(['--lang', 'es'])).json, 'vault.extensions')[0] as { fix?: { description: string } } | undefined;
    assert.equal(spanish?.fix?.description, `quitar la extensión con errores ${SNAPSHOT_EXTENSION} de web-1 para que la próxima copia de seguridad la vuelva a instalar`);
    const listed = JSON.parse((await arca(['vm', 'extension', 'list', '--vm', 'web-1', '-o', 'json'])).stdout) as { name: string }[];
    assert.deepEqual(listed.map((e) => e.name), [SNAPSHOT_EXTENSION], 'still there');
  });

  it('--fix removes it without asking, says so (here in Spanish), and the second look finds the machine no longer failed', async () => {
    const { json } = await doctor(['--fix', '--lang', 'es']);
    assert.deepEqual(json.fixes, [{
      id: 'vault.extensions',
      description: `quitar la extensión con errores ${SNAPSHOT_EXTENSION} de web-1 para que la próxima copia de seguridad la vuelva a instalar`,
      outcome: 'applied',
      message: `se quitó ${SNAPSHOT_EXTENSION} de web-1; la próxima copia de seguridad la vuelve a instalar`,
    }]);
    assert.equal(findingsOf(json, 'vault.extensions')[0]?.detail, 'todavía no se ha notificado ninguna extensión; la primera copia de seguridad instala la extensión de instantáneas');
    assert.equal(findingsOf(json, 'vault.extensions')[0]?.status, 'PASS', 'checked again after the fix');
    assert.ok(!findingsOf(json, 'vault.agent').some((f) => f.code === 'UserErrorVmProvisioningStateFailed'), 'the machine left Failed');
    assert.deepEqual(JSON.parse((await arca(['vm', 'extension', 'list', '--vm', 'web-1', '-o', 'json'])).stdout), []);

    const again = await doctor(['--fix']);
    assert.deepEqual(again.json.fixes, [], 'nothing left to fix');
    assert.equal(findingsOf(again.json, 'vault.extensions')[0]?.detail, 'no extension reported yet; the first backup installs the snapshot extension', 'in English without --lang');
  });

});

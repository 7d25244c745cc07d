import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { backupNow, createVaultWithPolicy, moveClock, protectedVm, registerAgent, startClockServer, waitForOperation, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';
import type { TestAgent } from '../support/test-agent.ts';
import { runArca } from '../support/arca-process.ts';
import { VAULT_TITLES } from '../../src/cli/commands/doctor/vault-titles.ts';
import { findingsOf, type DoctorJson } from './machine-fixture.ts';

const DAY = 86_400_000;
const GROUP = 'AzureBackupRG_northeurope_1';
const LOCK = `/resourceGroups/${GROUP}/providers/Microsoft.Authorization/locks/keep-points`;

/**
 * `arca doctor --vm` against a real vault: 18 instant points made by real backups while a lock on
 * the restore point group keeps expired ones (as test/api/backup-instant-tier.test.ts does), then
 * the doctor names the limit and the lock, and once the lock is gone `--fix --yes` starts the
 * cleanup backup.
 */
describe('arca doctor --vm: from the vault', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let agent: TestAgent;
  let offset = 0;

  async function backup(refused = false): Promise<void> {
    const { operationId } = await backupNow(world, vm.name);
    if (!refused) await agent.runOnce({ waitForTask: true });
    await waitForOperation(world, operationId);
  }

  async function doctor(args: readonly string[] = []): Promise<{ code: number | null; json: DoctorJson; stderr: string }> {
    const target = ['--vm', vm.name, '--vault', world.vault, '--resource-group', world.rg, '--server', world.arm.info.url, '--ca', world.arm.info.caFile, '--token-file', join(dataDir, 'admin-token')];
    const run = await runArca(['doctor', ...target, '-o', 'json', ...args]);
    assert.ok(run.stdout.startsWith('{'), `${run.stdout}\n${run.stderr}`);
    return { code: run.code, json: JSON.parse(run.stdout) as DoctorJson, stderr: run.stderr };
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-doctor-vault-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-doctor-vault-machine-'));
    server = await startClockServer(dataDir);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'app-rg', vault: 'vault-1', location: 'northeurope' };
    vm = await protectedVm(world, 'db-1', await createVaultWithPolicy(world, 'short-instant', 1), workDir, [256 << 10]);
    agent = await registerAgent(world, vm, dataDir, join(workDir, 'machine'));
    await backup();
    assert.equal((await world.arm.request('PUT', LOCK, { apiVersion: '2016-09-01', body: { properties: { level: 'CanNotDelete' } } })).status, 201);
    for (let n = 2; n <= 18; n++) {
      if (n % 3 === 1) {
        offset += DAY;
        await moveClock(world.arm, dataDir, offset);
        await agent.report();
      }
      await backup();
    }
    offset += DAY;
    await moveClock(world.arm, dataDir, offset);
    await agent.report();
    await backup(true);
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('18 points with a lock on the group: FAIL UserErrorRpCollectionLimitReached naming the lock, and the failures grouped by code', async () => {
    const { code, json } = await doctor();
    assert.equal(code, 1);
    const [points] = findingsOf(json, 'vault.restore-points');
    assert.equal(points?.status, 'FAIL');
    assert.equal(points?.code, 'UserErrorRpCollectionLimitReached');
    assert.match(points?.detail ?? '', /18 restore points in AzureBackupRG_northeurope_1; remove lock keep-points \(CanNotDelete\) on AzureBackupRG_northeurope_1/);
    assert.match(points?.message ?? '', /18/);
    assert.equal(json.results[0]?.status, 'FAIL', 'worst first');
    const failures = findingsOf(json, 'vault.jobs').map((f) => f.code);
    assert.ok(failures.includes('UserErrorRpCollectionLimitReached') && failures.includes('BackUpOperationFailedV2'), failures.join(', '));
    assert.equal(findingsOf(json, 'vault.agent')[0]?.status, 'PASS');
    const [protection] = findingsOf(json, 'vault.protection');
    assert.equal(protection?.status, 'WARN', 'protection is on and the last backup failed');
    assert.match(protection?.detail ?? '', /ProtectionError/);
    assert.equal(findingsOf(json, 'vault.policy')[0]?.status, 'PASS');

    const spanish = (await doctor(['--lang', 'es'])).json;
    const [puntos] = findingsOf(spanish, 'vault.restore-points');
    assert.equal(puntos?.title, VAULT_TITLES['vault.restore-points'].es);
    assert.match(puntos?.message ?? '', /restauración/);
    assert.ok(spanish.results.every((r) => r.title === VAULT_TITLES[r.id as keyof typeof VAULT_TITLES].es), 'every title in Spanish');
  });

  it('once the lock is gone, --fix asks before the cleanup backup and --yes starts it', async () => {
    assert.equal((await world.arm.request('DELETE', LOCK, { apiVersion: '2016-09-01' })).status, 200);
    const asked = await doctor(['--fix']);
    assert.deepEqual(asked.json.fixes?.map((f) => [f.id, f.outcome]), [['vault.restore-points', 'skipped']]);
    assert.match(asked.json.fixes?.[0]?.message ?? '', /^not done: trigger a backup of .*\(run again with --yes to allow it\)$/);
    const preguntado = await doctor(['--fix', '--lang', 'es']);
    assert.deepEqual(preguntado.json.fixes?.map((f) => [f.outcome, f.description]), [['skipped', `iniciar ahora una copia de seguridad de ${vm.name}, que primero elimina los puntos de restauración caducados`]]);
    assert.match(preguntado.json.fixes?.[0]?.message ?? '', /^no se hizo: iniciar ahora una copia de seguridad .*\(vuelva a ejecutarlo con --yes para permitirlo\)$/);

    const fixed = await doctor(['--fix', '--yes']);
    assert.deepEqual(fixed.json.fixes?.map((f) => [f.id, f.outcome]), [['vault.restore-points', 'applied']]);
    const running = findingsOf(fixed.json, 'vault.jobs').find((f) => f.code === 'UserErrorBackupOperationInProgress');
    assert.equal(running?.status, 'WARN', 'the cleanup backup is in progress when the checks run again');
    await agent.runOnce({ waitForTask: true });
    const cleaned = await doctor();
    const [points] = findingsOf(cleaned.json, 'vault.restore-points');
    assert.equal(points?.status, 'PASS', points?.detail);
    assert.match(points?.detail ?? '', /^2 of 18 restore points/);
  });
});

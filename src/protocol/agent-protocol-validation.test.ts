import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../core/errors/index.ts';
import { parseGoalState, parseRegistrationRequest, parseStatusReport } from './agent-protocol-validation.ts';

const refused = (pattern: RegExp) => (error: unknown) => isArcaError(error) && error.code === 'InvalidRequestContent' && pattern.test(String(error.params.reason));

const REPORT = {
  goalStateIncarnation: 3,
  agent: { status: 'Ready', version: '1.0.0' },
  extensions: [{ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', handlerState: 'Enabled', status: { status: 'success', code: 0, message: 'ok' } }],
  tasks: [{ taskId: 'a1b2', status: 'transitioning', phase: 'transfer', progress: 40, result: { consistency: 'FileSystemConsistent', snapshots: [{ disk: 'os', path: '/var/lib/arca/snap/os.img' }] } }],
};

describe('agent protocol validation', () => {
  it('reads a well-formed status report, and copies no field the contract does not define', () => {
    const report = parseStatusReport({ ...REPORT, extra: 'ignored', agent: { ...REPORT.agent, secret: 'x' } });
    assert.deepEqual(report, REPORT);
  });

  const bad: { name: string; body: unknown; reason: RegExp }[] = [
    { name: 'a body that is not an object', body: [], reason: /the body must be a JSON object/ },
    { name: 'a report without the agent', body: { tasks: [] }, reason: /^agent is required/ },
    { name: 'an agent status outside Ready and NotReady', body: { ...REPORT, agent: { status: 'Unresponsive', version: '1' } }, reason: /agent\.status must be one of Ready, NotReady/ },
    { name: 'progress above 100', body: { ...REPORT, tasks: [{ taskId: 't', status: 'transitioning', progress: 101 }] }, reason: /tasks\[0\]\.progress/ },
    { name: 'success without the repository point', body: { ...REPORT, tasks: [{ taskId: 't', status: 'success' }] }, reason: /result\.manifestId is required/ },
    { name: 'an error without its code', body: { ...REPORT, tasks: [{ taskId: 't', status: 'error' }] }, reason: /tasks\[0\]\.error is required/ },
    { name: 'an error code the catalog does not have', body: { ...REPORT, tasks: [{ taskId: 't', status: 'error', error: { code: 'MadeUpCode' } }] }, reason: /MadeUpCode is not a code of Arca's error catalog/ },
    { name: 'error parameters that are not flat', body: { ...REPORT, tasks: [{ taskId: 't', status: 'error', error: { code: 'UserErrorFsFreezeFailed', params: { mountPoint: { nested: 1 } } } }] }, reason: /params\.mountPoint/ },
    { name: 'a snapshot path that is not absolute', body: { ...REPORT, tasks: [{ taskId: 't', status: 'transitioning', result: { snapshots: [{ disk: 'os', path: 'snap/os.img' }] } }] }, reason: /snapshots\[0\]\.path/ },
    { name: 'one task reported twice', body: { ...REPORT, tasks: [REPORT.tasks[0], REPORT.tasks[0]] }, reason: /one task twice/ },
  ];
  for (const c of bad) it(`refuses ${c.name}, naming the field`, () => assert.throws(() => parseStatusReport(c.body), refused(c.reason)));

  it('keeps the catalog spelling of a reported code and the flat parameters', () => {
    const report = parseStatusReport({ ...REPORT, tasks: [{ taskId: 't', status: 'error', error: { code: 'userErrorFsFreezeFailed', params: { mountPoint: '/data', tries: 2 } } }] });
    assert.deepEqual(report.tasks[0]?.error, { code: 'UserErrorFsFreezeFailed', params: { mountPoint: '/data', tries: 2 } });
  });

  it('reads a registration and refuses one that names a disk twice or a size of zero', () => {
    const body = { registrationToken: 'arcareg_abc', machineId: '0b7c7f7e-1d2e-4a3b-9c8d-112233445566', agent: { status: 'Ready', version: '2.1.0' }, disks: [{ name: 'os', path: '/dev/vda', sizeBytes: 1024 }] };
    assert.deepEqual(parseRegistrationRequest(body), body);
    assert.throws(() => parseRegistrationRequest({ ...body, disks: [body.disks[0], { ...body.disks[0], name: 'OS' }] }), refused(/one disk twice/));
    assert.throws(() => parseRegistrationRequest({ ...body, disks: [{ ...body.disks[0], sizeBytes: 0 }] }), refused(/disks\[0\]\.sizeBytes/));
    assert.throws(() => parseRegistrationRequest({ ...body, machineId: '../etc' }), refused(/machineId must be a machine id/));
  });

  it('reads the optional OS and disk encryption of a registration, and refuses them malformed', () => {
    const body = {
      registrationToken: 'arcareg_abc',
      machineId: 'm1',
      agent: { status: 'Ready', version: '2.1.0' },
      disks: [{ name: 'os', path: '/vm/os.img', sizeBytes: 1024, encrypted: true }],
      os: { type: 'Linux', name: 'Debian GNU/Linux 12 (bookworm)', version: '12', kernel: '6.1.0-18-amd64', architecture: 'x64' },
    };
    assert.deepEqual(parseRegistrationRequest(body), body);
    assert.throws(() => parseRegistrationRequest({ ...body, disks: [{ ...body.disks[0], encrypted: 'yes' }] }), refused(/disks\[0\]\.encrypted must be true or false/));
    assert.throws(() => parseRegistrationRequest({ ...body, os: { type: 'Plan9' } }), refused(/os\.type must be one of Linux, Windows/));
    assert.throws(() => parseRegistrationRequest({ ...body, os: { type: 'Linux', name: 'a\nb' } }), refused(/os\.name/));
  });

  it('reads a goal state on the agent side and refuses an unknown task state', () => {
    const goal = {
      incarnation: 2,
      machineId: 'vm-1',
      extensions: [{ name: 'Arca.Backup.VMSnapshotLinux', version: '1.0.0', state: 'enabled', settings: { tasks: [{ taskId: 'j1', kind: 'snapshot', state: 'pending', jobName: 'j1', collectionId: '/subscriptions/s/resourceGroups/AzureBackupRG_eastus_1/providers/Microsoft.Compute/restorePointCollections/AzureBackupRG_vm-1_1', pointName: '123', consistencyWanted: 'ApplicationConsistent', disks: [{ name: 'os', path: '/dev/vda' }] }] } }],
      deletedInstantPoints: [],
    };
    assert.deepEqual(parseGoalState(goal), goal);
    const broken = structuredClone(goal);
    const [extension] = broken.extensions;
    const [task] = extension?.settings.tasks ?? [];
    if (task) (task as { state: string }).state = 'paused';
    assert.throws(() => parseGoalState(broken), refused(/extensions\[0\]\.settings\.tasks\[0\]\.state/));
  });

  it('drops a malformed agent update from a goal state, says so, and keeps the rest', () => {
    const goal = { incarnation: 3, machineId: 'vm-1', extensions: [], deletedInstantPoints: [], minimumAgentVersion: '1.0.0' };
    const good = { version: '1.2.0', sha256: 'a'.repeat(64), sizeBytes: 10 };
    assert.deepEqual(parseGoalState({ ...goal, agentUpdate: good }), { ...goal, agentUpdate: good });
    for (const malformed of [{ ...good, sha256: 'not-hex' }, { ...good, sizeBytes: 0 }, 'x']) {
      const dropped: string[] = [];
      assert.deepEqual(parseGoalState({ ...goal, agentUpdate: malformed }, (field, reason) => dropped.push(`${field}: ${reason}`)), goal);
      assert.equal(dropped.length, 1);
      assert.match(dropped[0] ?? '', /^agentUpdate: /);
    }
    assert.throws(() => parseGoalState({ ...goal, incarnation: -1, agentUpdate: { ...good, sizeBytes: 0 } }), refused(/incarnation/));
  });
});

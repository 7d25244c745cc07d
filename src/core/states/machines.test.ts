import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import { agentStatusMachine } from './agent-status.ts';
import { extensionHandlerStateMachine } from './extension-handler-state.ts';
import { extensionStatusMachine } from './extension-status.ts';
import { jobStatusMachine } from './job-status.ts';
import { taskStatusMachine } from './job-task.ts';
import { powerStateMachine } from './power-state.ts';
import { protectionStateMachine } from './protection-state.ts';
import { provisioningStateMachine } from './provisioning-state.ts';
import { canTransition, terminalStates, transition, type StateMachine } from './state-machine.ts';

interface Case {
  readonly machine: StateMachine<string>;
  /** The states that must be terminal, no more and no fewer. */
  readonly terminal: readonly string[];
  /** Moves that a reader might expect but that must be refused, each with the reason. */
  readonly refused: readonly (readonly [from: string, to: string, why: string])[];
}

const cases: readonly Case[] = [
  {
    machine: provisioningStateMachine,
    terminal: [],
    refused: [
      ['Deleting', 'Succeeded', 'a delete never ends with the machine provisioned again'],
      ['Creating', 'Updating', 'a machine is updated only after its creation settled'],
      ['Failed', 'Succeeded', 'a failed machine recovers through an update'],
      ['Migrating', 'Deleting', 'a migration must settle before a delete'],
    ],
  },
  {
    machine: powerStateMachine,
    terminal: [],
    refused: [
      ['deallocated', 'running', 'a deallocated machine has to start first'],
      ['stopped', 'running', 'a stopped machine has to start first'],
      ['running', 'starting', 'a running machine is already started'],
      ['stopping', 'deallocated', 'a stop ends in stopped; deallocation is its own step'],
    ],
  },
  {
    machine: agentStatusMachine,
    terminal: [],
    refused: [
      ['Ready', 'NotInstalled', 'an agent that has reported never becomes not installed'],
      ['Unresponsive', 'NotInstalled', 'silence after reports means unresponsive, not absent'],
      ['NotInstalled', 'Unresponsive', 'an agent cannot stop responding before it ever responded'],
    ],
  },
  {
    machine: extensionHandlerStateMachine,
    terminal: [],
    refused: [
      ['NotInstalled', 'Enabled', 'a handler is installed before it is enabled'],
      ['Enabled', 'NotInstalled', 'an uninstall disables the handler first'],
      ['Installed', 'FailedUpgrade', 'only an enabled handler is upgraded'],
      ['FailedUpgrade', 'Installed', 'a failed upgrade is removed or repaired by a successful update'],
    ],
  },
  {
    machine: extensionStatusMachine,
    terminal: ['warning', 'error', 'success'],
    refused: [
      ['success', 'transitioning', 'a settled status file is never reopened'],
      ['error', 'success', 'a failed run does not turn into a success'],
      ['warning', 'error', 'a settled status file keeps its verdict'],
    ],
  },
  {
    machine: protectionStateMachine,
    terminal: [],
    refused: [
      ['SoftDeleted', 'Protected', 'undelete brings the item back stopped, not protected'],
      ['SoftDeleted', 'IRPending', 'undelete brings the item back stopped, not pending'],
      ['ProtectionStopped', 'ProtectionError', 'a stopped item takes no backup that could fail'],
      ['ProtectionStopped', 'BackupsSuspended', 'a stopped item resumes before it can be stopped another way'],
      ['Protected', 'IRPending', 'an item with a recovery point is never pending its first one'],
      ['IRPending', 'IRPending', 'staying pending is not a move'],
    ],
  },
  {
    machine: jobStatusMachine,
    terminal: ['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'],
    refused: [
      ['Completed', 'InProgress', 'a finished job never runs again'],
      ['Failed', 'InProgress', 'a retry is a new job'],
      ['Cancelled', 'Cancelling', 'a cancelled job has nothing left to cancel'],
      ['InProgress', 'Cancelled', 'a cancel goes through Cancelling'],
      ['Cancelling', 'InProgress', 'a cancel request cannot be withdrawn'],
    ],
  },
  {
    machine: taskStatusMachine,
    terminal: ['Completed', 'Failed', 'Cancelled', 'Skipped'],
    refused: [
      ['NotStarted', 'Completed', 'a task runs before it completes'],
      ['NotStarted', 'Failed', 'a task that never ran is cancelled or skipped, not failed'],
      ['InProgress', 'Skipped', 'a task that started cannot be skipped'],
      ['Completed', 'InProgress', 'a completed task never runs again'],
    ],
  },
];

function refusedWithCode(machine: StateMachine<string>, from: string, to: string): boolean {
  try {
    transition(machine, from, to);
    return false;
  } catch (error) {
    return error instanceof ArcaError && error.code === 'UserErrorInvalidStateTransition';
  }
}

for (const { machine, terminal, refused } of cases) {
  describe(`the ${machine.subject} machine`, () => {
    it('accepts every move its table lists', () => {
      for (const from of machine.states) {
        for (const to of machine.transitions[from] ?? []) {
          assert.equal(transition(machine, from, to), to, `${from} -> ${to}`);
        }
      }
    });

    it('refuses every other move with UserErrorInvalidStateTransition', () => {
      for (const from of machine.states) {
        for (const to of machine.states) {
          if (canTransition(machine, from, to)) continue;
          assert.ok(refusedWithCode(machine, from, to), `${from} -> ${to} should be refused`);
        }
      }
    });

    it('has exactly the expected terminal states, and they have no exits', () => {
      assert.deepEqual(terminalStates(machine).toSorted(), terminal.toSorted());
      for (const state of terminal) assert.deepEqual(machine.transitions[state], []);
    });

    it('lists only its own states as targets and never a move to the same state', () => {
      for (const from of machine.states) {
        for (const to of machine.transitions[from] ?? []) {
          assert.ok(machine.states.includes(to), `${from} -> ${to} targets an unknown state`);
          assert.notEqual(to, from, `${from} lists itself`);
        }
      }
    });

    it('reaches every state from one of its initial states', () => {
      const seen = new Set<string>(machine.initial);
      const queue = [...machine.initial];
      for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
        for (const next of machine.transitions[state] ?? []) {
          if (!seen.has(next)) queue.push(next);
          seen.add(next);
        }
      }
      assert.deepEqual([...seen].toSorted(), machine.states.toSorted());
    });

    for (const [from, to, why] of refused) {
      it(`refuses ${from} -> ${to}: ${why}`, () => {
        assert.ok(machine.states.includes(from) && machine.states.includes(to), 'both are states');
        assert.ok(refusedWithCode(machine, from, to));
      });
    }
  });
}

describe('moves the design relies on', () => {
  const required: [StateMachine<string>, string, string, string][] = [
    [provisioningStateMachine, 'Failed', 'Updating', 'a failed machine is repaired by an update'],
    [jobStatusMachine, 'Cancelling', 'Cancelled', 'a cancel that takes effect'],
    [jobStatusMachine, 'Cancelling', 'Completed', 'a cancel that came too late'],
    [jobStatusMachine, 'Cancelling', 'Failed', 'a job that failed while cancelling'],
    [protectionStateMachine, 'ProtectionStopped', 'Protected', 'resuming protection'],
    [protectionStateMachine, 'ProtectionStopped', 'SoftDeleted', 'deleting the data of a stopped item'],
    [protectionStateMachine, 'SoftDeleted', 'ProtectionStopped', 'undeleting'],
    [extensionHandlerStateMachine, 'FailedUpgrade', 'NotInstalled', 'removing a failed extension to reinstall it'],
    [agentStatusMachine, 'Unresponsive', 'Ready', 'an agent that comes back'],
  ];
  for (const [machine, from, to, why] of required) {
    it(`${machine.subject} allows ${from} -> ${to}: ${why}`, () => {
      assert.equal(transition(machine, from, to), to);
    });
  }
});

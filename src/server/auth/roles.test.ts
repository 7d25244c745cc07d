import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { authorize, permitted } from './authenticate.ts';
import type { Principal } from './principal.ts';
import { ACTIONS, allows, ROLES, type Action, type Role } from './roles.ts';

const EXPECTED: Record<Role, readonly Action[]> = {
  Reader: ['read'],
  BackupOperator: ['read', 'backup', 'restore'],
  BackupContributor: ['read', 'backup', 'restore', 'configure'],
  Owner: ['read', 'backup', 'restore', 'configure', 'administer', 'agent'],
  Agent: ['agent'],
};

const person = (role: Role): Principal => ({ tokenId: 'tok-1', name: `a ${role}`, role });
const agent: Principal = { tokenId: 'tok-2', name: 'agent vm1', role: 'Agent', machineId: 'vm1' };

describe('permission table', () => {
  for (const role of ROLES) {
    for (const action of ACTIONS) {
      const yes = EXPECTED[role].includes(action);
      it(`${role} ${yes ? 'may' : 'may not'} ${action}`, () => {
        assert.equal(allows(role, action), yes);
      });
    }
  }
});

describe('authorize', () => {
  it('lets each user role do what the table allows, on any target', () => {
    for (const role of ['Reader', 'BackupOperator', 'BackupContributor', 'Owner'] as const) {
      for (const action of EXPECTED[role]) assert.doesNotThrow(() => authorize(person(role), action, { machineId: 'vm9' }));
    }
  });

  it('refuses with AuthorizationFailed (403) naming the principal, role and action', () => {
    assert.throws(
      () => authorize(person('BackupOperator'), 'configure'),
      (error: unknown) => {
        assert.ok(isArcaError(error));
        assert.equal(error.code, 'AuthorizationFailed');
        assert.equal(error.httpStatus, 403);
        assert.match(error.message, /a BackupOperator.*BackupOperator.*configure/);
        assert.match(error.render('es').message, /BackupOperator.*configure/);
        return true;
      },
    );
  });

  const agentCases: [string, Action, string | undefined, boolean][] = [
    ['an agent reaches its own machine\'s goal state', 'agent', 'vm1', true],
    ['an agent cannot reach another machine\'s goal state', 'agent', 'vm2', false],
    ['an agent action without a target machine is refused', 'agent', undefined, false],
    ['an agent cannot read, even its own machine', 'read', 'vm1', false],
    ['an agent cannot back up its machine through the API', 'backup', 'vm1', false],
  ];
  for (const [name, action, machineId, expected] of agentCases) {
    it(name, () => {
      assert.equal(permitted(agent, action, machineId === undefined ? {} : { machineId }), expected);
      if (!expected) assert.throws(() => authorize(agent, action, machineId === undefined ? {} : { machineId }), /Agent/);
    });
  }

  it('refuses an Agent principal that somehow lacks a machine id', () => {
    assert.equal(permitted({ tokenId: 't', name: 'x', role: 'Agent' }, 'agent', { machineId: 'vm1' }), false);
  });
});

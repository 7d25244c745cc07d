import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from '../errors/index.ts';
import {
  canTransition,
  defineMachine,
  isState,
  isTerminal,
  nextStates,
  terminalStates,
  transition,
} from './state-machine.ts';

type Light = 'Off' | 'On' | 'Broken';
const light = defineMachine<Light>({
  subject: 'Light',
  initial: ['Off'],
  transitions: { Off: ['On', 'Broken'], On: ['Off', 'Broken'], Broken: [] },
});

describe('state machine', () => {
  it('lists its states from the rows of its table', () => {
    assert.deepEqual(light.states, ['Off', 'On', 'Broken']);
  });

  const moves: { name: string; from: Light; to: Light; allowed: boolean }[] = [
    { name: 'a listed move is allowed', from: 'Off', to: 'On', allowed: true },
    { name: 'a move that is not listed is refused', from: 'Broken', to: 'On', allowed: false },
    { name: 'staying in the same state is not a move', from: 'On', to: 'On', allowed: false },
  ];
  for (const { name, from, to, allowed } of moves) {
    it(name, () => {
      assert.equal(canTransition(light, from, to), allowed);
      if (allowed) assert.equal(transition(light, from, to), to);
      else assert.throws(() => transition(light, from, to), ArcaError);
    });
  }

  it('refuses with UserErrorInvalidStateTransition naming the subject and both states', () => {
    assert.throws(
      () => transition(light, 'Broken', 'Off'),
      (error: unknown) =>
        error instanceof ArcaError &&
        error.code === 'UserErrorInvalidStateTransition' &&
        error.params.subject === 'Light' &&
        error.params.from === 'Broken' &&
        error.params.to === 'Off' &&
        error.message === 'Light cannot go from Broken to Off.',
    );
  });

  it('lets the caller name the subject more precisely', () => {
    assert.throws(
      () => transition(light, 'Broken', 'On', 'Light 7'),
      (error: unknown) => error instanceof ArcaError && error.params.subject === 'Light 7',
    );
  });

  it('treats a state without exits as terminal', () => {
    assert.equal(isTerminal(light, 'Broken'), true);
    assert.equal(isTerminal(light, 'On'), false);
    assert.deepEqual(terminalStates(light), ['Broken']);
  });

  it('answers nothing for a value that is not one of its states', () => {
    assert.deepEqual(nextStates(light, 'Dimmed' as Light), []);
    assert.equal(canTransition(light, 'Dimmed' as Light, 'On'), false);
  });

  it('recognises its own states only in their exact spelling', () => {
    assert.equal(isState(light, 'On'), true);
    assert.equal(isState(light, 'on'), false);
    assert.equal(isState(light, 'toString'), false);
  });
});

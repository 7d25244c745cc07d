import { ArcaError } from '../errors/index.ts';

/**
 * A closed set of states and the moves allowed between them. The table is the whole truth: a move
 * not listed is refused, staying in the same state is not a move (callers that re-observe the same
 * state skip `transition`), and a state with no exits is terminal.
 */
export interface StateMachine<S extends string> {
  /** Names what moves, in the error message: a technical name, so it reads the same in every language. */
  readonly subject: string;
  readonly states: readonly S[];
  /** States a new subject may begin in. */
  readonly initial: readonly S[];
  readonly transitions: Readonly<Record<S, readonly S[]>>;
}

export interface MachineDefinition<S extends string> {
  readonly subject: string;
  readonly initial: readonly NoInfer<S>[];
  readonly transitions: Readonly<Record<S, readonly NoInfer<S>[]>>;
}

/** Builds a machine; `Record<S, …>` makes the compiler insist that every state has a row. */
export function defineMachine<S extends string>(definition: MachineDefinition<S>): StateMachine<S> {
  return { ...definition, states: Object.keys(definition.transitions) as S[] };
}

export function canTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): boolean {
  return Object.hasOwn(machine.transitions, from) && machine.transitions[from].includes(to);
}

/**
 * Returns `to` when the table allows the move, otherwise throws UserErrorInvalidStateTransition.
 * `subject` overrides the machine's name when the caller can be more specific ("Job 1234").
 */
export function transition<S extends string>(machine: StateMachine<S>, from: S, to: S, subject = machine.subject): S {
  if (canTransition(machine, from, to)) return to;
  throw new ArcaError('UserErrorInvalidStateTransition', { subject, from, to });
}

export function nextStates<S extends string>(machine: StateMachine<S>, from: S): readonly S[] {
  return Object.hasOwn(machine.transitions, from) ? machine.transitions[from] : [];
}

export function isTerminal<S extends string>(machine: StateMachine<S>, state: S): boolean {
  return nextStates(machine, state).length === 0;
}

export function terminalStates<S extends string>(machine: StateMachine<S>): S[] {
  return machine.states.filter((state) => isTerminal(machine, state));
}

/** Narrows a string read from the wire or a store to one of the machine's states (exact case). */
export function isState<S extends string>(machine: StateMachine<S>, value: string): value is S {
  return (machine.states as readonly string[]).includes(value);
}

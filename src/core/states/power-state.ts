import { defineMachine } from './state-machine.ts';

/**
 * A virtual machine's power state. Azure has no property for it, only the instance-view status
 * code `PowerState/running`; Arca stores the part after the slash, in Azure's lower case.
 * `stopped` keeps the machine allocated; `deallocated` releases it.
 */
export const POWER_STATES = ['starting', 'running', 'stopping', 'stopped', 'deallocating', 'deallocated'] as const;
export type PowerState = (typeof POWER_STATES)[number];

export const powerStateMachine = defineMachine<PowerState>({
  subject: 'PowerState',
  initial: ['starting', 'stopped', 'deallocated'],
  transitions: {
    // A start that fails returns the machine to where it was: allocated or not.
    starting: ['running', 'stopped', 'deallocated'],
    // A shutdown from inside the guest reaches `stopped` without a platform `stopping` phase.
    running: ['stopping', 'stopped', 'deallocating'],
    stopping: ['stopped'],
    stopped: ['starting', 'deallocating'],
    deallocating: ['deallocated'],
    deallocated: ['starting'],
  },
});

const CODE_PREFIX = 'PowerState/';

export function powerStateCode(state: PowerState): string {
  return `${CODE_PREFIX}${state}`;
}

/** Reads `PowerState/running` (any case); undefined for any other status code. */
export function parsePowerStateCode(code: string): PowerState | undefined {
  if (code.slice(0, CODE_PREFIX.length).toLowerCase() !== CODE_PREFIX.toLowerCase()) return undefined;
  const short = code.slice(CODE_PREFIX.length).toLowerCase();
  return POWER_STATES.find((state) => state === short);
}

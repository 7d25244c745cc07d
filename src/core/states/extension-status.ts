import { defineMachine } from './state-machine.ts';

/**
 * The status an extension writes in its numbered status file (`<seq>.status`), lower case as waagent
 * reads them. The machine is per sequence number: a run may report `transitioning` any number of
 * times and then settles once. New settings bring a new sequence number and a new status file,
 * which may begin in any state (a command that fails at once writes `error` straight away).
 */
export const EXTENSION_STATUSES = ['transitioning', 'warning', 'error', 'success'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

export const extensionStatusMachine = defineMachine<ExtensionStatus>({
  subject: 'ExtensionStatus',
  initial: ['transitioning', 'warning', 'error', 'success'],
  transitions: {
    transitioning: ['warning', 'error', 'success'],
    warning: [],
    error: [],
    success: [],
  },
});

import { defineMachine } from './state-machine.ts';

/**
 * The persisted state of an extension handler, as waagent keeps it. There is no `Disabled`: as in
 * waagent, a successful disable returns the handler to `Installed`. An uninstall goes through
 * disable first, so `Enabled` never jumps to `NotInstalled`. A handler stuck in `FailedUpgrade` is
 * removed (to be reinstalled by the next on-demand backup) or recovers when an update succeeds.
 */
export const EXTENSION_HANDLER_STATES = ['NotInstalled', 'Installed', 'Enabled', 'FailedUpgrade'] as const;
export type ExtensionHandlerState = (typeof EXTENSION_HANDLER_STATES)[number];

export const extensionHandlerStateMachine = defineMachine<ExtensionHandlerState>({
  subject: 'ExtensionHandlerState',
  initial: ['NotInstalled'],
  transitions: {
    NotInstalled: ['Installed'],
    Installed: ['Enabled', 'NotInstalled'],
    Enabled: ['Installed', 'FailedUpgrade'],
    FailedUpgrade: ['NotInstalled', 'Enabled'],
  },
});

export * from './agent-protocol.ts';
export { parseGoalState, parseRegistrationRequest, parseRegistrationResponse, parseStatusReport, WIRE } from './agent-protocol-validation.ts';
export { WireObject } from './wire-object.ts';

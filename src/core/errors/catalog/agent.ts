import { defineErrors } from '../catalog-entry.ts';

export const agentErrors = defineErrors({});

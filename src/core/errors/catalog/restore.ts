import { defineErrors } from '../catalog-entry.ts';

export const restoreErrors = defineErrors({});

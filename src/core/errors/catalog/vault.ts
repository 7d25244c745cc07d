import { defineErrors } from '../catalog-entry.ts';

export const vaultErrors = defineErrors({});

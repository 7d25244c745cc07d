import { defineErrors } from '../catalog-entry.ts';

export const transferErrors = defineErrors({});

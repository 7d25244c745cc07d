import { defineErrors } from '../catalog-entry.ts';

export const jobErrors = defineErrors({});

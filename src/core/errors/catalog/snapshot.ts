import { defineErrors } from '../catalog-entry.ts';

export const snapshotErrors = defineErrors({});

import { defineErrors } from '../catalog-entry.ts';

export const extensionErrors = defineErrors({});

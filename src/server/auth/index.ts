export { authenticate, authorize, permitted } from './authenticate.ts';
export { ADMIN_TOKEN_FILE, bootstrapAdminToken, type BootstrapOptions, type BootstrappedToken } from './bootstrap.ts';
export type { Principal, Target } from './principal.ts';
export { createRegistrationToken, redeemRegistrationToken, REGISTRATION_TOKENS, type CreatedRegistrationToken } from './registration-tokens.ts';
export { ACTIONS, allows, isAction, isRole, PERMISSIONS, ROLES, USER_ROLES, type Action, type Role } from './roles.ts';
export { REGISTRATION_PREFIX, TOKEN_PREFIX } from './secrets.ts';
export { TOKENS, type CreatedToken, type TokenSummary } from './token-record.ts';
export { createToken, listTokens, revokeToken, verifyToken, type NewToken } from './tokens.ts';

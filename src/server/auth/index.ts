export { authenticate, authorize, permitted } from './authenticate.ts';
export { ADMIN_TOKEN_FILE, bootstrapAdminToken, type BootstrapOptions, type BootstrappedToken } from './bootstrap.ts';
export { ACCESS_TOKEN_LIFETIME_MS, principalForClientId, signInWithClientSecret, type SignedIn } from './client-credentials.ts';
export type { Principal, Target } from './principal.ts';
export { PRINCIPAL_TYPES, PRINCIPALS, type PrincipalSummary, type PrincipalType } from './principal-record.ts';
export { createPrincipal, getPrincipal, pagePrincipals, revokePrincipal, type CreatedPrincipal, type NewPrincipal } from './principals.ts';
export {
  createRegistrationToken,
  redeemRegistrationToken,
  redeemRegistrationTokenWith,
  REGISTRATION_TOKENS,
  type CreatedRegistrationToken,
  type RegistrationIntendedVm,
} from './registration-tokens.ts';
export { ACTIONS, allows, isAction, isRole, isUserRole, PERMISSIONS, ROLES, USER_ROLES, type Action, type Role, type UserRole } from './roles.ts';
export { CLIENT_SECRET_PREFIX, REGISTRATION_PREFIX, TOKEN_PREFIX } from './secrets.ts';
export { SignInThrottle } from './sign-in-throttle.ts';
export { TOKENS, type CreatedToken, type TokenSummary } from './token-record.ts';
export { createToken, listTokens, pageTokens, revokeToken, verifyToken, type NewToken } from './tokens.ts';

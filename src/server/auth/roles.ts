/**
 * Who may do what. Roles and actions are closed sets; the table below is the whole policy and is
 * pure, so handlers ask `allows(role, action)` (or `authorize`, which also scopes agents) and never
 * compare role names themselves.
 */
export const ROLES = ['Reader', 'BackupOperator', 'BackupContributor', 'Owner', 'Agent'] as const;
export type Role = (typeof ROLES)[number];

/** Roles given to people and service principals; Agent is for machine credentials only. */
export const USER_ROLES = ['Reader', 'BackupOperator', 'BackupContributor', 'Owner'] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}

/**
 * `configure` covers policies and protection; `administer` covers tokens and users; `agent` covers
 * what a machine's agent does for itself (fetch its goal state, report its status).
 */
export const ACTIONS = ['read', 'backup', 'restore', 'configure', 'administer', 'agent'] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  Reader: ['read'],
  BackupOperator: ['read', 'backup', 'restore'],
  BackupContributor: ['read', 'backup', 'restore', 'configure'],
  Owner: ACTIONS,
  Agent: ['agent'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

/** Whether the role may perform the action at all; target scoping is `authorize`'s job. */
export function allows(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}

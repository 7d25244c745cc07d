/**
 * Helpers for closed sets written as `as const` arrays. Azure compares enum values without regard
 * to case on input, and Arca always writes them back in their canonical spelling.
 */
export function isMember<T extends string>(set: readonly T[], value: string): value is T {
  return (set as readonly string[]).includes(value);
}

/** The canonical member equal to `value` ignoring case, or undefined. */
export function findMember<T extends string>(set: readonly T[], value: string): T | undefined {
  const lower = value.toLowerCase();
  return set.find((member) => member.toLowerCase() === lower);
}

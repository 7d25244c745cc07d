/**
 * The rules every name inside a resource id obeys, whatever its resource type: the characters ARM
 * refuses in any name (they break URL paths or are reserved), control characters, surrounding
 * spaces and excessive length. Per-type rules for creating resources live in resource-names.ts.
 */
export const MAX_NAME_SEGMENT_LENGTH = 260;
export const MAX_RESOURCE_ID_LENGTH = 2048;

const FORBIDDEN = ['/', '\\', '?', '#', '%', '<', '>', '&'] as const;

/** Quotes a value for a reason, shortened so a huge input does not flood the message. */
export function quote(value: string): string {
  return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`;
}

function controlCharacter(value: string): string | undefined {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** Why `name` cannot appear in a resource id, or undefined when it can. `label` says which name it is. */
export function nameSegmentProblem(label: string, name: string): string | undefined {
  if (name.length === 0) return `the ${label} is empty`;
  if (name.length > MAX_NAME_SEGMENT_LENGTH) {
    return `the ${label} ${quote(name)} is ${name.length} characters long; names are limited to ${MAX_NAME_SEGMENT_LENGTH}`;
  }
  const control = controlCharacter(name);
  if (control) return `the ${label} ${quote(name)} contains the control character ${control}`;
  const forbidden = FORBIDDEN.find((char) => name.includes(char));
  if (forbidden) return `the ${label} ${quote(name)} contains '${forbidden}', which names cannot contain`;
  if (name.trim() !== name) return `the ${label} ${quote(name)} begins or ends with a space`;
  return undefined;
}

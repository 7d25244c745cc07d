/** A key/value block: labels aligned, values as given; empty values shown as "-". */
export function keyValues(rows: readonly (readonly [string, string | number | undefined | null])[], indent = ''): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${`${k}:`.padEnd(width + 2)}${v === undefined || v === null || v === '' ? '-' : String(v)}`).join('\n') + '\n';
}

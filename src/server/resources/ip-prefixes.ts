/**
 * IPv4 address prefixes (CIDR) for virtual networks: parsing in canonical form, containment and
 * overlap. IPv6 is not served yet.
 */
export interface Prefix {
  readonly text: string;
  readonly first: number;
  /** Last address, inclusive. */
  readonly last: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The prefix, or the reason it is not one. */
export function parsePrefix(text: string): Prefix | string {
  const match = CIDR.exec(text);
  if (!match) return `${text.slice(0, 50)} is not an IPv4 prefix such as 10.0.0.0/16`;
  const octets = match.slice(1, 5).map(Number);
  const length = Number(match[5]);
  if (octets.some((octet) => octet > 255) || length > 32) return `${text} is not an IPv4 prefix: octets go to 255 and lengths to 32`;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - length);
  if (address % size !== 0) {
    const base = address - (address % size);
    const canonical = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.');
    return `${text} has host bits set; the prefix is ${canonical}/${length}`;
  }
  return { text, first: address, last: address + size - 1 };
}

export function contains(outer: Prefix, inner: Prefix): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return a.first <= b.last && b.first <= a.last;
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Access tokens start with this, so secret scanners and people can recognise them. */
export const TOKEN_PREFIX = 'arca_';
/** Registration tokens differ, so one can never be mistaken for the other. */
export const REGISTRATION_PREFIX = 'arcareg_';
/** Service principals' client secrets: never a bearer token themselves, only traded for one. */
export const CLIENT_SECRET_PREFIX = 'arcasp_';

const SECRET_BYTES = 32;

export type RandomBytes = (size: number) => Buffer;

/** A new secret: 32 random bytes in base64url after the prefix. */
export function newSecret(prefix: string, random: RandomBytes = randomBytes): string {
  return prefix + random(SECRET_BYTES).toString('base64url');
}

/** A record id that says nothing about the secret. */
export function newId(kind: string, random: RandomBytes = randomBytes): string {
  return `${kind}-${random(12).toString('base64url')}`;
}

/** What is stored in place of a secret. A secret of 256 random bits needs no salt or stretching. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A fresh salt for one client secret. */
export function newSalt(random: RandomBytes = randomBytes): string {
  return random(16).toString('base64url');
}

/**
 * What is stored in place of a client secret: HMAC-SHA256 keyed with the record's own salt. The
 * secret is as random as a token, so no stretching is needed; the salt makes every record's hash
 * its own, so a copied table cannot be matched against hashes computed once for many records.
 */
export function hashClientSecret(secret: string, salt: string): string {
  return createHmac('sha256', Buffer.from(salt, 'base64url')).update(secret, 'utf8').digest('hex');
}

/** Compares two hashes in time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Whether the text could be a secret at all (printable, 32 to 256 characters); checked before any
 * lookup. Not stricter, so an Owner secret given at install time (ARCA_BOOTSTRAP_TOKEN) also works.
 */
export function plausibleSecret(text: string): boolean {
  return text.length >= 32 && text.length <= 256 && /^[\x21-\x7e]+$/.test(text);
}

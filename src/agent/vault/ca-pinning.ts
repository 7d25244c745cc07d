import { X509Certificate } from 'node:crypto';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { httpsAgentFor, vaultRequest, type VaultEndpoint } from './vault-client.ts';

/** `AB:CD:…`, `abcd…` or `sha256:…` → 64 lower-case hex digits. */
export function normalizeFingerprint(text: string): string {
  const hex = text.trim().replace(/^sha-?256[:=]?/i, '').replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw invalidArgument('--ca-fingerprint', 'expected a SHA-256 fingerprint: 64 hexadecimal digits, with or without colons');
  return hex;
}

export function fingerprintOf(pem: string): string {
  return normalizeFingerprint(new X509Certificate(pem).fingerprint256);
}

/**
 * Fetches the vault's CA over TLS, trusting it only if its SHA-256 fingerprint is the one given
 * with the registration token: a first connection takes the certificate chain the server presents
 * without judging it and picks the certificate with that fingerprint; a second connection, which
 * trusts only that CA, must then succeed, which proves the server's certificate chains to it and
 * names the host. Nothing secret is sent before both hold.
 */
export async function fetchPinnedCa(endpoint: Omit<VaultEndpoint, 'ca' | 'insecureForPinning'>, fingerprint: string): Promise<string> {
  const expected = normalizeFingerprint(fingerprint);
  const probe = { ...endpoint, insecureForPinning: true };
  const agent = httpsAgentFor(probe);
  let pem: string | undefined;
  let presented: string[] = [];
  try {
    const response = await vaultRequest(probe, agent, { method: 'GET', path: '/healthz' });
    presented = response.peerChain.map((cert) => normalizeFingerprint(cert.fingerprint256));
    const match = response.peerChain.find((cert) => normalizeFingerprint(cert.fingerprint256) === expected);
    if (match) pem = new X509Certificate(match.raw).toString();
  } finally {
    agent.destroy();
  }
  if (pem === undefined || !new X509Certificate(pem).ca) {
    throw new ArcaError('AgentCaFingerprintMismatch', { vaultUrl: endpoint.url, expected, presented: presented.join(', ') || 'no certificate' });
  }
  const pinned = { ...endpoint, ca: pem };
  const check = httpsAgentFor(pinned);
  try {
    await vaultRequest(pinned, check, { method: 'GET', path: '/healthz' });
  } finally {
    check.destroy();
  }
  return pem;
}

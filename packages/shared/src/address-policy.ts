import ipaddr from 'ipaddr.js';

/**
 * The SSRF address policy (SPEC 4.2 / 8). Everything that is not public unicast is refused; with
 * `allowPrivate` (OUTBOUND_ALLOW_PRIVATE=true, for self-hosters monitoring their own network)
 * private-use ranges are allowed, but cloud metadata endpoints, the unspecified address, multicast
 * and broadcast stay refused whatever the flag says. See docs/adr/0040-outbound-address-policy.md.
 */
export interface AddressPolicy {
  allowPrivate: boolean;
  /**
   * Tests only, never read from configuration: addresses to classify as public unicast, so a test
   * can stand a "public" peer on a loopback alias (127.0.0.2) and prove that a redirect or a
   * rebinding answer to a private address is still refused. Metadata addresses stay refused.
   */
  testPublicAddresses?: readonly string[];
}

/** Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, AWS ECS/EKS, Alibaba). Never reachable. */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', 'fd00:ec2::254', 'fd00:ec2::23']);

/** Ranges refused even with allowPrivate: no legitimate monitor targets them over TCP. */
const ALWAYS_REFUSED = new Set(['unspecified', 'multicast', 'broadcast']);

const RANGE_TEXT: Record<string, string> = {
  private: 'a private address',
  uniqueLocal: 'a private address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  unspecified: 'an unspecified address',
  reserved: 'a reserved address',
  benchmarking: 'a reserved address',
  discard: 'a reserved address',
  as112: 'a reserved address',
  as112v6: 'a reserved address',
  amt: 'a reserved address',
  deprecatedSiteLocal: 'a private address',
  rfc6052: 'a NAT64 address',
  rfc6145: 'a translated IPv4 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/**
 * Parses an IP literal in any form Node or a URL parser would accept (dotted quad, decimal
 * `2130706433`, hex `0x7f000001`, octal `0177.0.0.1`, short `127.1`, bracketed or IPv4-mapped
 * IPv6) and returns its canonical text, unwrapping IPv4-mapped IPv6 to IPv4. Null for host names.
 */
export function parseIpLiteral(host: string): string | null {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === '' || !ipaddr.isValid(h)) return null;
  // Only treat it as an IPv4 literal if it is made of numeric parts (ipaddr also accepts them).
  try {
    return ipaddr.process(h).toString();
  } catch {
    return null;
  }
}

/**
 * Why `ip` may not be contacted, as the tail of "blocked: <ip> is <reason>", or null when allowed.
 * Input that is not an IP address is refused (fail closed).
 */
export function forbiddenReason(ip: string, policy: AddressPolicy): string | null {
  const canonical = parseIpLiteral(ip);
  if (canonical === null) return 'not an IP address';
  // Scope ids (fe80::1%eth0) do not change the class of the address.
  const addr = ipaddr.process(canonical.split('%')[0]!);
  const text = addr.toNormalizedString();
  const short = addr.toString();
  if (METADATA.has(short) || METADATA.has(text)) return 'a cloud metadata address';
  if (policy.testPublicAddresses?.includes(short)) return null;
  const range = addr.range();
  if (range === 'unicast') return null;
  if (ALWAYS_REFUSED.has(range)) return RANGE_TEXT[range] ?? 'a reserved address';
  if (policy.allowPrivate) return null;
  return RANGE_TEXT[range] ?? 'not a public address';
}

/** True when the policy refuses `ip` (any textual IP form; non-IP input counts as forbidden). */
export function isForbiddenAddress(ip: string, policy: AddressPolicy): boolean {
  return forbiddenReason(ip, policy) !== null;
}

/** Thrown (or passed to callbacks) when the guard refuses an address. `message` is user-facing. */
export class ForbiddenAddressError extends Error {
  readonly code = 'ERR_FORBIDDEN_ADDRESS';
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`blocked: ${address} is ${reason}`);
    this.name = 'ForbiddenAddressError';
  }
}

/** Thrown when a host name does not resolve: an unresolvable host is refused, never retried blindly. */
export class UnresolvableHostError extends Error {
  readonly code = 'ERR_UNRESOLVABLE_HOST';
  constructor(
    readonly host: string,
    readonly dnsCode?: string,
  ) {
    super(`could not resolve host ${host}`);
    this.name = 'UnresolvableHostError';
  }
}

/** Throws ForbiddenAddressError unless the policy allows `ip`. */
export function assertAllowedAddress(ip: string, policy: AddressPolicy): void {
  const reason = forbiddenReason(ip, policy);
  if (reason !== null) throw new ForbiddenAddressError(parseIpLiteral(ip) ?? ip, reason);
}

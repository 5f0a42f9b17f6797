import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { assertAllowedAddress, parseIpLiteral, UnresolvableHostError, type AddressPolicy } from './address';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `host` once and returns every address, refusing the whole host if ANY address is
 * forbidden (a name that mixes a public and a private address is an attack, not a fallback).
 * IP literals in any form are checked directly without DNS. Unresolvable hosts throw
 * UnresolvableHostError. Uses getaddrinfo (dns.lookup) so /etc/hosts and the system resolver
 * apply, like every other program on the machine.
 */
export async function resolveGuarded(host: string, policy: AddressPolicy): Promise<ResolvedAddress[]> {
  const literal = parseIpLiteral(host);
  if (literal !== null) {
    assertAllowedAddress(literal, policy);
    return [{ address: literal, family: isIP(literal) === 6 ? 6 : 4 }];
  }
  let found: LookupAddress[];
  try {
    found = await dnsPromises.lookup(host, { all: true, verbatim: true });
  } catch (err) {
    throw new UnresolvableHostError(host, (err as NodeJS.ErrnoException).code);
  }
  if (found.length === 0) throw new UnresolvableHostError(host);
  const out: ResolvedAddress[] = [];
  for (const a of found) {
    const canonical = parseIpLiteral(a.address) ?? a.address;
    assertAllowedAddress(canonical, policy);
    out.push({ address: canonical, family: isIP(canonical) === 6 ? 6 : 4 });
  }
  return out;
}

/**
 * A `lookup` that hands back addresses resolved (and checked) earlier, so the socket connects to
 * exactly what was checked with no second DNS query. Honours `{ all: true }` (used by Node's
 * happy-eyeballs `autoSelectFamily`) and `family`.
 */
export function replayLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_host: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean; family?: number | string };
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : Number(opts.family ?? 0);
    const list = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    process.nextTick(() => {
      if (list.length === 0) {
        const err = Object.assign(new Error(`no IPv${family} address`), { code: 'ENOTFOUND' }) as NodeJS.ErrnoException;
        cb(err, opts.all ? [] : '', 0);
      } else if (opts.all) cb(null, list.map((a) => ({ address: a.address, family: a.family })));
      else cb(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}

/**
 * A drop-in `lookup` for net/tls/undici `connect.lookup` that resolves once and refuses when any
 * address is forbidden by `policy`. Handles the `{ all: true }` form.
 */
export function createGuardedLookup(policy: AddressPolicy): LookupFunction {
  return ((host: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    resolveGuarded(host, policy).then(
      (addresses) => (replayLookup(addresses) as unknown as (h: string, o: unknown, c: unknown) => void)(host, options, cb),
      (err: NodeJS.ErrnoException) => cb(err, typeof options === 'object' && options !== null && (options as { all?: boolean }).all ? [] : '', 0),
    );
  }) as LookupFunction;
}

/** The strict guarded lookup (private addresses refused). */
export const guardedLookup: LookupFunction = createGuardedLookup({ allowPrivate: false });

import ipaddr from 'ipaddr.js';
import UAParser from 'ua-parser-js';

/** Where a login came from, as the routes see it (the services never see a request). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The IP kept with a session: the network, not the host (/24 for IPv4, /48 for IPv6). */
export function truncateIp(ip: string | null): string | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') {
    const o = (addr as ipaddr.IPv4).octets;
    return `${o[0]}.${o[1]}.${o[2]}.0`;
  }
  const parts = (addr as ipaddr.IPv6).parts;
  return `${parts.slice(0, 3).map((p) => p.toString(16)).join(':')}::`;
}

/** "Firefox 128 on Linux", "Safari on iOS", or "Unknown device". */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const r = new UAParser(userAgent).getResult();
  const browser = r.browser.name ? `${r.browser.name}${r.browser.major ? ` ${r.browser.major}` : ''}` : null;
  const os = r.os.name ?? null;
  if (browser && os) return `${browser} on ${os}`.slice(0, 120);
  if (browser || os) return (browser ?? os)!.slice(0, 120);
  return userAgent.split(/[\s/]/)[0]!.slice(0, 60) || 'Unknown device';
}

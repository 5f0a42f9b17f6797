import { describe, expect, it } from 'vitest';
import { forbiddenReason, isForbiddenAddress, parseIpLiteral } from './address-policy';

// [input, refused without allowPrivate (reason), refused WITH allowPrivate]
const cases: [string, string | null, boolean][] = [
  // public
  ['8.8.8.8', null, false],
  ['1.1.1.1', null, false],
  ['2606:4700:4700::1111', null, false],
  ['::ffff:8.8.8.8', null, false],
  // loopback in every textual form
  ['127.0.0.1', 'a loopback address', false],
  ['127.255.255.254', 'a loopback address', false],
  ['2130706433', 'a loopback address', false],
  ['0x7f000001', 'a loopback address', false],
  ['0177.0.0.1', 'a loopback address', false],
  ['0x7f.0.0.1', 'a loopback address', false],
  ['127.1', 'a loopback address', false],
  ['::1', 'a loopback address', false],
  ['[::1]', 'a loopback address', false],
  ['::ffff:127.0.0.1', 'a loopback address', false],
  ['[::ffff:127.0.0.1]', 'a loopback address', false],
  ['::ffff:7f00:1', 'a loopback address', false],
  // private
  ['10.0.0.1', 'a private address', false],
  ['172.16.5.4', 'a private address', false],
  ['192.168.1.1', 'a private address', false],
  ['::ffff:10.0.0.1', 'a private address', false],
  ['fc00::1', 'a private address', false],
  ['fd12:3456::1', 'a private address', false],
  // link-local, CGNAT
  ['169.254.1.1', 'a link-local address', false],
  ['fe80::1', 'a link-local address', false],
  ['fe80::1%eth0', 'a link-local address', false],
  ['100.64.0.1', 'a carrier-grade NAT address', false],
  ['100.127.255.254', 'a carrier-grade NAT address', false],
  // reserved / special-purpose / translation prefixes that can embed private IPv4
  ['240.0.0.1', 'a reserved address', false],
  ['192.0.2.1', 'a reserved address', false],
  ['198.18.0.1', 'a reserved address', false],
  ['64:ff9b::7f00:1', 'a NAT64 address', false],
  ['2002:7f00:1::', 'a 6to4 address', false],
  ['2001::1', 'a Teredo address', false],
  // refused even with allowPrivate
  ['0.0.0.0', 'an unspecified address', true],
  ['0', 'an unspecified address', true],
  ['::', 'an unspecified address', true],
  ['[::]', 'an unspecified address', true],
  ['224.0.0.1', 'a multicast address', true],
  ['ff02::1', 'a multicast address', true],
  ['255.255.255.255', 'a broadcast address', true],
  ['169.254.169.254', 'a cloud metadata address', true],
  ['::ffff:169.254.169.254', 'a cloud metadata address', true],
  ['0xa9fea9fe', 'a cloud metadata address', true],
  ['2852039166', 'a cloud metadata address', true],
  ['169.254.170.2', 'a cloud metadata address', true],
  ['100.100.100.200', 'a cloud metadata address', true],
  ['fd00:ec2::254', 'a cloud metadata address', true],
  ['fd00:ec2:0:0:0:0:0:254', 'a cloud metadata address', true],
  // not an IP at all: fail closed
  ['example.com', 'not an IP address', true],
  ['', 'not an IP address', true],
];

describe('outbound address policy', () => {
  it.each(cases)('%s', (input, reason, refusedWithAllowPrivate) => {
    expect(forbiddenReason(input, { allowPrivate: false })).toBe(reason);
    expect(isForbiddenAddress(input, { allowPrivate: false })).toBe(reason !== null);
    expect(isForbiddenAddress(input, { allowPrivate: true })).toBe(refusedWithAllowPrivate);
  });

  it('canonicalises every IPv4 spelling and unwraps IPv4-mapped IPv6', () => {
    expect(parseIpLiteral('2130706433')).toBe('127.0.0.1');
    expect(parseIpLiteral('0x7f000001')).toBe('127.0.0.1');
    expect(parseIpLiteral('0177.0.0.1')).toBe('127.0.0.1');
    expect(parseIpLiteral('[::ffff:127.0.0.1]')).toBe('127.0.0.1');
    expect(parseIpLiteral('[2001:db8::1]')).toBe('2001:db8::1');
    expect(parseIpLiteral('example.com')).toBeNull();
    expect(parseIpLiteral('localhost')).toBeNull();
  });
});

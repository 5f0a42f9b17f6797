/**
 * The outbound SSRF guard (SPEC 4.2 / 8): one module that checks, webhooks, Telegram and WhatsApp
 * use for every connection they open. See docs/checks.md and docs/adr/0040-0044.
 */
export {
  assertAllowedAddress,
  forbiddenReason,
  ForbiddenAddressError,
  isForbiddenAddress,
  parseIpLiteral,
  UnresolvableHostError,
  type AddressPolicy,
} from './address';
export { createGuardedLookup, guardedLookup, replayLookup, resolveGuarded, type ResolvedAddress } from './lookup';
export {
  connectGuarded,
  ConnectTimeoutError,
  createGuardedConnector,
  tlsErrorText,
  TlsVerificationError,
  type ConnectionInfo,
  type ConnectTarget,
  type GuardedConnectOptions,
  type PeerCertificateInfo,
} from './connect';
export { describeOutboundError } from './errors';
export { closeGuardedRequests, createGuardedDispatcher, guardedRequest, readBodyText, type GuardedDispatcherOptions, type GuardedRequestInit } from './request';

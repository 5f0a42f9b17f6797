import { isForbiddenAddress, parseIpLiteral, type AddressPolicy } from '@sentrypulse/shared/address-policy';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * OpenID Connect relying party (openid-client): discovery, authorization code + PKCE + state +
 * nonce, and the id_token checked for signature (non-repudiation checks), issuer, audience,
 * expiry and nonce. Every request to the provider goes through the SSRF guard: the issuer is a
 * URL an owner typed.
 */

export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

const agents = new Map<boolean, Agent>();

/** An undici agent whose connections go only to addresses the policy allows (the IP connected to). */
function guardedAgent(allowPrivate: boolean): Agent {
  let agent = agents.get(allowPrivate);
  if (agent) return agent;
  const policy: AddressPolicy = { allowPrivate };
  agent = new Agent({
    connect: {
      timeout: 5_000,
      lookup(hostname, options, cb) {
        dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
          if (err) return cb(err, '', 4);
          const bad = addresses.find((a) => isForbiddenAddress(a.address, policy));
          if (bad || addresses.length === 0) return cb(new OutboundRefused(`${hostname} resolves to an address that may not be reached`), '', 4);
          if ((options as { all?: boolean }).all) return (cb as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
          cb(null, addresses[0]!.address, addresses[0]!.family);
        });
      },
    },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  agents.set(allowPrivate, agent);
  return agent;
}

function guardedFetch(allowPrivate: boolean): client.CustomFetch {
  const policy: AddressPolicy = { allowPrivate };
  return (async (url: string, init: RequestInit) => {
    const host = new URL(url).hostname;
    const literal = parseIpLiteral(host);
    if (literal && isForbiddenAddress(literal, policy)) throw new OutboundRefused(`${host} is an address that may not be reached`);
    // Node skips `lookup` for IP literals: the literal was checked above.
    return undiciFetch(url, { ...(init as object), dispatcher: guardedAgent(allowPrivate), redirect: 'manual' } as never);
  }) as unknown as client.CustomFetch;
}

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** OUTBOUND_ALLOW_PRIVATE: also lets an http:// issuer on a private network (and tests) be used. */
  allowPrivate: boolean;
}

/** Discovers the provider (`/.well-known/openid-configuration`) and returns the client configuration. */
export async function discover(p: ProviderSettings): Promise<client.Configuration> {
  const url = new URL(p.issuer);
  if (url.protocol !== 'https:' && !p.allowPrivate) throw new OutboundRefused('the issuer must be an https:// URL');
  const auth = p.clientSecret ? client.ClientSecretPost(p.clientSecret) : client.None();
  const config = await client.discovery(url, p.clientId, p.clientSecret ? { client_secret: p.clientSecret } : undefined, auth, {
    [client.customFetch]: guardedFetch(p.allowPrivate),
    ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    timeout: 10,
  });
  // Check the id_token's JWS signature against the provider's JWKS too (not only TLS).
  client.enableNonRepudiationChecks(config);
  return config;
}

export interface AuthorizationStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function startAuthorization(config: client.Configuration, redirectUri: string): Promise<AuthorizationStart> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state, nonce, codeVerifier };
}

export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** Exchanges the code; throws when the response or the id_token does not check out. */
export async function finishAuthorization(
  config: client.Configuration,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string },
): Promise<VerifiedIdentity> {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    expectedState: expected.state,
    expectedNonce: expected.nonce,
    pkceCodeVerifier: expected.codeVerifier,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('the provider returned no id_token');
  // Providers that conform id_token claims (OIDC Core 5.4) put email and name in userinfo only;
  // fetchUserInfo checks that its `sub` is the id_token's.
  let profile: Record<string, unknown> = claims;
  if (typeof claims.email !== 'string' && tokens.access_token) profile = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
  const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : null;
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    emailVerified: profile.email_verified === true,
    name: typeof profile.name === 'string' ? profile.name.slice(0, 100) : null,
  };
}

/** openid-client's own errors (bad response, failed checks), as opposed to bugs. */
export function isOidcError(err: unknown): boolean {
  return err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError || err instanceof client.ClientError || err instanceof client.WWWAuthenticateChallengeError;
}

/** The errors openid-client wraps (the SSRF refusal inside a fetch, the precise failed check). */
function causes(err: unknown): Error[] {
  const out: Error[] = [];
  for (let e: unknown = err; e instanceof Error && out.length < 5; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

export function refusedCause(err: unknown): OutboundRefused | null {
  return (causes(err).find((e) => e instanceof OutboundRefused) as OutboundRefused | undefined) ?? null;
}

/** The most specific message in the chain ("unexpected JWT "aud" (audience) claim value"). */
export function describeOidcError(err: unknown): string {
  const chain = causes(err);
  return (chain.at(-1)?.message ?? String(err)).slice(0, 200);
}

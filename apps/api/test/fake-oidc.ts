import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OpenID provider on 127.0.0.1 port 0 whose id_tokens a test can bend (wrong audience,
 * issuer, nonce, expired, foreign key), for the relying party's bad-input tests. The full redirect
 * flow against a real provider is tested with oidc-provider (oidc-provider.ts).
 */
export interface FakeIdToken {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Overrides of the standard claims. */
  aud?: string;
  iss?: string;
  nonce?: string;
  exp?: number;
  /** Sign with a key that is not in the JWKS. */
  foreignKey?: boolean;
}

export interface FakeOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Approves an authorization request (the Location the RP redirected to) and returns the callback query. */
  authorize(authorizationUrl: string, token: FakeIdToken): string;
  tokenRequests: number;
  close(): Promise<void>;
}

export async function startFakeOidc(): Promise<FakeOidc> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; token: FakeIdToken }>();
  const state: FakeOidc = { issuer: '', clientId: 'sentrypulse-test', clientSecret: 'fake-client-secret-0123456789', authorize: () => '', tokenRequests: 0, close: async () => undefined };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        void (async () => {
          state.tokenRequests++;
          const form = new URLSearchParams(body);
          const entry = codes.get(form.get('code') ?? '');
          const secret = form.get('client_secret') ?? Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':')[1];
          if (!entry || form.get('client_id') !== state.clientId || decodeURIComponent(secret ?? '') !== state.clientSecret) return json(400, { error: 'invalid_grant' });
          const verifier = form.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== entry.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
          if (form.get('redirect_uri') !== entry.redirectUri) return json(400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
          codes.delete(form.get('code')!);
          const t = entry.token;
          const now = Math.floor(Date.now() / 1000);
          const idToken = await new SignJWT({
            email: t.email,
            email_verified: t.email_verified,
            name: t.name,
            nonce: t.nonce ?? entry.nonce,
          })
            .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
            .setIssuer(t.iss ?? state.issuer)
            .setAudience(t.aud ?? state.clientId)
            .setSubject(t.sub)
            .setIssuedAt(now - 5)
            .setExpirationTime(t.exp ?? now + 300)
            .sign(t.foreignKey ? foreign.privateKey : privateKey);
          json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
        })();
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.authorize = (authorizationUrl, token) => {
    const u = new URL(authorizationUrl);
    const code = randomBytes(12).toString('hex');
    codes.set(code, { nonce: u.searchParams.get('nonce')!, challenge: u.searchParams.get('code_challenge')!, redirectUri: u.searchParams.get('redirect_uri')!, token });
    return `?code=${code}&state=${encodeURIComponent(u.searchParams.get('state')!)}`;
  };
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

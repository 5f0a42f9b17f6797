import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID provider (the `oidc-provider` package) on 127.0.0.1 port 0, with its development
 * login and consent pages: any login name signs in as that account, whose email is
 * `<login>@<emailDomain>` and verified. For the browser test of the whole SSO redirect flow.
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startOidcProvider(opts: { redirectUri: string; emailDomain?: string }): Promise<TestOidcProvider> {
  const clientId = 'sentrypulse';
  const clientSecret = 'oidc-provider-test-secret-0123456789abcdef';
  const domain = opts.emailDomain ?? 'example.test';
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Loaded here, not at import: every test that imports @sentrypulse/api/testing would load it.
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id.toLowerCase()}@${domain}`, email_verified: true, name: `${id} (IdP)` }),
    }),
    pkce: { required: () => true },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

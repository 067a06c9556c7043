// Drives openid-client 6 for the interop tests: one step per run, its input as
// JSON in argv[2], its result as JSON on stdout.
import * as client from 'openid-client';

const input = JSON.parse(process.argv[2]);
const auth = input.clientSecret ? client.ClientSecretPost(input.clientSecret) : client.None();
// Plain HTTP is loopback-only here; the library refuses it unless told.
const config = await client.discovery(new URL(input.issuer), input.clientId, undefined, auth,
  { execute: [client.allowInsecureRequests], algorithm: 'oauth2' });

const tokens = (t) => ({ ...t });
const steps = {
  async authorizeUrl() {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: input.redirectUri, scope: 'read write', state: input.state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    return { url: url.href, verifier };
  },
  async exchange() {
    return tokens(await client.authorizationCodeGrant(config, new URL(input.callback),
      { pkceCodeVerifier: input.verifier, expectedState: input.state }));
  },
  async clientCredentials() { return tokens(await client.clientCredentialsGrant(config, { scope: 'read' })); },
  async refresh() { return tokens(await client.refreshTokenGrant(config, input.token)); },
  async revoke() { await client.tokenRevocation(config, input.token); return { revoked: true }; },
  async introspect() { return { ...(await client.tokenIntrospection(config, input.token)) }; },
  async api() {
    const response = await client.fetchProtectedResource(config, input.token, new URL('4/worklogs', input.issuer), 'GET');
    return { status: response.status };
  },
};

try {
  process.stdout.write(JSON.stringify(await steps[input.step]()));
} catch (error) {
  // An OAuth error answer is a result the test checks, not a crash.
  process.stdout.write(JSON.stringify({ error: error.error ?? error.code ?? 'exception', status: error.status, message: error.message }));
}

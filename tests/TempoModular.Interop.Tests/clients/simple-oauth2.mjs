// Drives simple-oauth2 5.1 configured as Nango configures its Tempo provider:
// Tempo's authorize and token paths, credentials and parameters in a form body.
// One step per run, its input as JSON in argv[2], its result as JSON on stdout.
import { AuthorizationCode } from 'simple-oauth2';

const input = JSON.parse(process.argv[2]);
const base = new URL(input.issuer).origin;
const oauth = new AuthorizationCode({
  client: { id: input.clientId, secret: input.clientSecret },
  auth: {
    tokenHost: base, tokenPath: '/oauth/token/',
    authorizeHost: base, authorizePath: '/oauth/authorize/redirect',
    revokePath: '/oauth/revoke_token/',
  },
  options: { authorizationMethod: 'body', bodyFormat: 'form' },
});

const steps = {
  async authorizeUrl() {
    // Nango's authorization_params for Tempo, and jira_url as Tempo's documentation sends it.
    return { url: oauth.authorizeURL({ redirect_uri: input.redirectUri, state: input.state, access_type: 'tenant_user', jira_url: 'https://example.atlassian.net' }) };
  },
  async exchange() {
    const token = await oauth.getToken({ code: input.code, redirect_uri: input.redirectUri });
    return token.token;
  },
  async refresh() {
    return (await oauth.createToken({ refresh_token: input.token }).refresh()).token;
  },
  async revoke() {
    await oauth.createToken({ access_token: 'unused', refresh_token: input.token }).revoke('refresh_token');
    return { revoked: true };
  },
};

try {
  process.stdout.write(JSON.stringify(await steps[input.step]()));
} catch (error) {
  const payload = error.data?.payload;
  process.stdout.write(JSON.stringify({ error: payload?.error ?? 'exception', status: error.output?.statusCode, message: error.message }));
}

'use strict';
// Benchmarks sign in for real: identity creates a bootstrap admin from these settings, the
// benchmark logs in at /rest/ng/sessions (and creates an API token where a family needs one).

/** Settings that make identity create the bench account and its admin on first start. */
function bootstrapEnv(id) {
  return {
    IDENTITY_BOOTSTRAP_ACCOUNT_CODE: 'bench',
    IDENTITY_BOOTSTRAP_ADMIN_LOGIN: 'bench',
    IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: `Bench-${id}-1`,
  };
}

/** Logs in as the bootstrap admin: {token, userId}. */
async function login(gatewayUrl, env) {
  const response = await fetch(`${gatewayUrl}/rest/ng/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginName: env.IDENTITY_BOOTSTRAP_ADMIN_LOGIN, password: env.IDENTITY_BOOTSTRAP_ADMIN_PASSWORD }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`bench login: ${response.status} ${JSON.stringify(body)}`);
  return { token: body.token, userId: body.id };
}

/** A personal API token of the logged-in admin (`qk_…`, shown once). */
async function apiToken(gatewayUrl, session) {
  const response = await fetch(`${gatewayUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-token': session.token },
    body: JSON.stringify({ userId: session.userId, name: 'bench' }),
  });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`bench API token: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

module.exports = { bootstrapEnv, login, apiToken };

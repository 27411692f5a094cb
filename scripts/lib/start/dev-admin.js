'use strict';
// The bootstrap account and admin for `npm start`: the IDENTITY_BOOTSTRAP_* given, else dev values.
// A generated password is kept in <state>/dev-admin-password (gitignored, mode 600) and printed
// once, the run that generates it. `npm start` never prints a password that does not work: before
// the identity service starts, it looks the admin up in the database (identity creates it only when
// missing, and never changes an existing one), and when the admin exists with a password this
// state dir does not hold, it says so instead of generating one (docs/adr/015).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { redact } = require('./net');

const CONNECT_TIMEOUT_MS = 3000;
// Stands in for the password in the configuration check, which runs before the database is known.
const PLACEHOLDER_PASSWORD = 'Dev-placeholder-password-0';

function generatedPassword() {
  // Letters and digits: always meets the password policy (a letter, a digit, >= 10 characters).
  return `Dev-${crypto.randomBytes(12).toString('base64url')}-7`;
}

function identityOf(settings) {
  return {
    accountCode: settings.given('IDENTITY_BOOTSTRAP_ACCOUNT_CODE') ?? 'dev',
    login: settings.given('IDENTITY_BOOTSTRAP_ADMIN_LOGIN') ?? 'admin',
    file: path.join(settings.stateDir, 'dev-admin-password'),
  };
}

function envOf({ accountCode, login }, password) {
  return {
    IDENTITY_BOOTSTRAP_ACCOUNT_CODE: accountCode,
    IDENTITY_BOOTSTRAP_ADMIN_LOGIN: login,
    IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: password,
  };
}

/** The variables for the configuration check (no file is read or written yet). */
function devAdminCheckEnv(settings) {
  return envOf(identityOf(settings), settings.given('IDENTITY_BOOTSTRAP_ADMIN_PASSWORD') ?? PLACEHOLDER_PASSWORD);
}

/**
 * The stored password hash of the admin, null when the admin has none, undefined when there is no
 * such admin yet (nor, on a new database, the identity schema). Read-only, through the same
 * `lower(login_name)` the identity service looks users up by.
 */
async function storedHash(databaseUrl, { accountCode, login }) {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT u."password_hash" FROM "identity"."users" u JOIN "identity"."accounts" a ON a."id" = u."account_id"
        WHERE a."code" = $1 AND lower(u."login_name") = lower($2)`,
      [accountCode, login],
    );
    return rows.length ? rows[0].password_hash : undefined;
  } catch (error) {
    if (error.code === '42P01' || error.code === '3F000') return undefined; // no identity tables yet
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** identity's own scrypt check, from the build `npm start` has just made (dist/). */
function passwordVerifier(repoRoot) {
  return require(path.join(repoRoot, 'dist/libs/auth/src/passwords.js')).verifyPassword;
}

function readPasswordFile(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a new password file (mode 600); when another run wrote one just now, that one wins. */
function writePasswordFile(stateDir, file) {
  fs.mkdirSync(stateDir, { recursive: true });
  const password = generatedPassword();
  try {
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return { password, origin: 'generated' };
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    return { password: readPasswordFile(file), origin: 'file' };
  }
}

/**
 * Returns { env, accountCode, login, file, database, origin, password? } where origin is
 * 'given' | 'file' | 'generated' (the password works: the admin has it, or identity creates the
 * admin with it), or 'elsewhere' (the admin exists with a password this state dir does not hold;
 * `fileDiffers` tells whether the file here holds another one).
 */
async function resolveDevAdmin(settings, databaseUrl) {
  const identity = identityOf(settings);
  const database = redact(databaseUrl);
  const given = settings.given('IDENTITY_BOOTSTRAP_ADMIN_PASSWORD');
  const inFile = given ? undefined : readPasswordFile(identity.file);
  const hash = await storedHash(databaseUrl, identity);
  const verify = passwordVerifier(settings.repoRoot);
  const works = async (password) => hash === undefined || (typeof hash === 'string' && (await verify(password, hash)));

  let chosen;
  if (given) chosen = { password: given, origin: 'given' };
  else if (inFile) chosen = { password: inFile, origin: 'file' };
  else if (hash === undefined) chosen = writePasswordFile(settings.stateDir, identity.file);

  if (chosen && (await works(chosen.password))) {
    return { ...identity, database, ...chosen, existed: hash !== undefined, env: envOf(identity, chosen.password) };
  }
  // The admin exists and none of our passwords is theirs: identity will not change it, so no new
  // password is generated, and none is printed.
  return {
    ...identity,
    database,
    origin: 'elsewhere',
    givenDiffers: Boolean(given),
    fileDiffers: Boolean(inFile),
    env: envOf(identity, given ?? inFile ?? PLACEHOLDER_PASSWORD),
  };
}

/** The summary lines: the password itself only the run that generated it; never one that fails. */
function devAdminLines(admin, gatewayUrl = '<gateway>') {
  const who = `account ${admin.accountCode} (X-AccountCode), login ${admin.login}`;
  const logIn = `log in: curl -X POST -H 'content-type: application/json' -d '{"loginName":"${admin.login}","password":"…"}' ${gatewayUrl}/rest/ng/sessions`;
  if (admin.origin !== 'elsewhere') {
    const password = {
      generated: `${admin.password}   (shown once; kept in ${admin.file})`,
      file: `in ${admin.file}`,
      given: '(IDENTITY_BOOTSTRAP_ADMIN_PASSWORD as set in your environment)',
    }[admin.origin];
    return [who, `password ${password}`, logIn];
  }
  const why = admin.givenDiffers
    ? 'IDENTITY_BOOTSTRAP_ADMIN_PASSWORD is not its password (an existing admin is never changed)'
    : admin.fileDiffers
      ? `the password in ${admin.file} is not its password (changed since, or written for another database)`
      : `no password of it is kept in this state dir (${admin.file} does not exist)`;
  return [
    who,
    `already existed in ${admin.database} before this state dir knew it: ${why}`,
    `its password is where the npm start that created it kept it (that checkout's .quire/dev-admin-password)`,
    `or reset it: curl -X POST -H 'content-type: application/json' -H 'X-AccountCode: ${admin.accountCode}' -d '{"loginName":"${admin.login}"}' ${gatewayUrl}/rest/ng/users/forgot-password`,
    `  (the token is in the identity log line "Mail (dev sink: not sent)"), then POST {loginName, resetPasswordToken, password} to ${gatewayUrl}/rest/ng/users/reset-password`,
    `or start afresh with a database of its own: unset DATABASE_URL (each state dir gets its own), or drop ${admin.database}`,
  ];
}

module.exports = { resolveDevAdmin, devAdminLines, devAdminCheckEnv };

'use strict';
// The bootstrap account and admin for `npm start`: the IDENTITY_BOOTSTRAP_* given, else dev values.
// A generated password is kept in <state>/dev-admin-password (gitignored, mode 600) and printed
// once, the run that generates it.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

function generatedPassword() {
  // Letters and digits: always meets the password policy (a letter, a digit, >= 10 characters).
  return `Dev-${crypto.randomBytes(12).toString('base64url')}-7`;
}

/** Returns { env, accountCode, login, password?, origin: 'given' | 'file' | 'generated', file? }. */
function resolveDevAdmin(settings) {
  const accountCode = settings.given('IDENTITY_BOOTSTRAP_ACCOUNT_CODE') ?? 'dev';
  const login = settings.given('IDENTITY_BOOTSTRAP_ADMIN_LOGIN') ?? 'admin';
  const given = settings.given('IDENTITY_BOOTSTRAP_ADMIN_PASSWORD');
  const file = path.join(settings.stateDir, 'dev-admin-password');
  let password = given;
  let origin = 'given';
  if (!password && fs.existsSync(file)) {
    password = fs.readFileSync(file, 'utf8').trim();
    origin = 'file';
  } else if (!password) {
    fs.mkdirSync(settings.stateDir, { recursive: true });
    password = generatedPassword();
    try {
      fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
      origin = 'generated';
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      password = fs.readFileSync(file, 'utf8').trim(); // another run wrote it just now
      origin = 'file';
    }
  }
  return {
    accountCode,
    login,
    password,
    origin,
    file,
    env: {
      IDENTITY_BOOTSTRAP_ACCOUNT_CODE: accountCode,
      IDENTITY_BOOTSTRAP_ADMIN_LOGIN: login,
      IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: password,
    },
  };
}

/** The summary lines: the password itself only the run that generated it. */
function devAdminLines(admin) {
  const password = {
    generated: `${admin.password}   (shown once; kept in ${admin.file})`,
    file: `in ${admin.file}`,
    given: '(IDENTITY_BOOTSTRAP_ADMIN_PASSWORD as set in your environment)',
  }[admin.origin];
  return [
    `account ${admin.accountCode} (X-AccountCode), login ${admin.login}`,
    `password ${password}`,
    `log in: curl -X POST -H 'content-type: application/json' -d '{"loginName":"${admin.login}","password":"…"}' <gateway>/rest/ng/sessions`,
  ];
}

module.exports = { resolveDevAdmin, devAdminLines };

'use strict';
// JWT_SECRET for `npm start`: the one given, else one generated once and kept in
// <state>/dev-secret (gitignored), so login tokens survive restarts.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { StartError } = require('./settings');

const MIN_LENGTH = 32;

function readSecret(file) {
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_LENGTH) {
    throw new StartError(`${file} holds a JWT secret shorter than ${MIN_LENGTH} characters`, 'delete that file to get a new one');
  }
  return secret;
}

/** Returns { secret, origin: 'given' | 'file' | 'generated', file? }. */
function resolveJwtSecret(settings) {
  const given = settings.given('JWT_SECRET');
  if (given) return { secret: given, origin: 'given' };
  const file = path.join(settings.stateDir, 'dev-secret');
  if (fs.existsSync(file)) return { secret: readSecret(file), origin: 'file', file };
  fs.mkdirSync(settings.stateDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    return { secret: readSecret(file), origin: 'file', file }; // another run wrote it just now
  }
  return { secret, origin: 'generated', file };
}

module.exports = { resolveJwtSecret };

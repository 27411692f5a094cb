'use strict';
// Finding the programs `npm start` may run, and running short-lived ones to completion.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Directories on PATH, then the usual system ones PATH often lacks for non-root shells. */
function searchPath() {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...new Set([...dirs, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'])];
}

/** Absolute path of `name` on the search path, or undefined. */
function findExecutable(name, dirs = searchPath()) {
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}

/** Runs a program to its end; resolves with its exit code, its stdout and all its output. */
function runToEnd(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => resolve({ code: null, stdout, output: `${output}${error.message}\n` }));
    child.once('close', (code) => resolve({ code, stdout, output }));
  });
}

/** uid / gid of a system user (from /etc/passwd), or undefined when there is no such user. */
function systemUser(name) {
  let passwd;
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  const entry = passwd.split('\n').find((line) => line.split(':')[0] === name);
  if (!entry) return undefined;
  const [, , uid, gid] = entry.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

module.exports = { findExecutable, isExecutable, runToEnd, systemUser, searchPath };

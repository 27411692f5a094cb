'use strict';
// Run by `npm start` as a short-lived child (so the supervisor does not load Nest): validates the
// environment against each compiled app's settings class, exactly as the app will at start-up.
// Usage: node check-app-config.js <dist> '[{"name":"gateway","port":3000}, ...]'
// Prints one JSON line: {"problems": {"<app>": ["VAR=value: reason", ...]}}.
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');

const [dist, appsJson] = process.argv.slice(2);
const platform = require(path.join(dist, 'node_modules/@quire/platform'));
const problems = {};
for (const { name, port } of JSON.parse(appsJson)) {
  const file = path.join(dist, 'apps', name, 'src', `${name}.env.js`);
  if (!fs.existsSync(file)) continue; // the app validates on its own when it starts
  const settingsClass = Object.values(require(file)).find((value) => typeof value === 'function' && value.prototype instanceof platform.CommonEnv);
  if (!settingsClass) continue;
  try {
    platform.loadEnv(settingsClass, { ...process.env, HTTP_PORT: String(port) });
  } catch (error) {
    if (!(error instanceof platform.ConfigError)) throw error;
    problems[name] = error.problems;
  }
}
process.stdout.write(`${JSON.stringify({ problems })}\n`);

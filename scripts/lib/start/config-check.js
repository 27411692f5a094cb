'use strict';
// Fails `npm start` before it starts anything when the apps would refuse their configuration.
const path = require('node:path');
const { runToEnd } = require('./executables');
const { StartError } = require('./settings');

/** Throws a StartError listing every bad variable (and which apps complain), or resolves. */
async function checkAppConfig(settings, apps, envOf) {
  const dist = path.join(settings.repoRoot, 'dist');
  // Every app sees the same variables (only HTTP_PORT differs), so one run checks them all.
  const result = await runToEnd(process.execPath, [path.join(__dirname, 'check-app-config.js'), dist, JSON.stringify(apps.map(({ name, port }) => ({ name, port })))], {
    env: envOf(apps[0]),
    cwd: settings.repoRoot,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let problems;
  try {
    problems = JSON.parse(line).problems;
  } catch {
    throw new StartError(`checking the configuration failed (exit code ${result.code}):\n${result.output.trim()}`);
  }
  const appsByProblem = new Map();
  for (const [app, list] of Object.entries(problems)) {
    for (const problem of list) appsByProblem.set(problem, [...(appsByProblem.get(problem) ?? []), app]);
  }
  if (!appsByProblem.size) return;
  const lines = [...appsByProblem].map(([problem, names]) => `  - ${problem} (${names.length === apps.length ? 'every app' : names.join(', ')})`);
  throw new StartError(`invalid configuration:\n${lines.join('\n')}`, 'fix or unset these variables (see README, "Configuration")');
}

module.exports = { checkAppConfig };

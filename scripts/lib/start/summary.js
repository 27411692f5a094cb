'use strict';
// The block `npm start` prints once everything is ready.

const ORIGINS = {
  given: 'reused (from env)',
  found: 'reused (default port)',
  started: 'started by npm start',
  none: 'none',
};

function summaryText({ apps, dependencies, jwt, elapsedMs, adminLines = [] }) {
  const gateway = apps.find((app) => app.public);
  const width = Math.max(...apps.map((app) => app.name.length));
  const lines = [
    '',
    `Quire is ready (${(elapsedMs / 1000).toFixed(1)} s)`,
    `  Gateway       ${gateway.url}`,
    `  API docs      ${gateway.url}/docs`,
    `  Viewer        ${gateway.url}/viewer?viewingSessionId=<id>  (README: "Open a document in the viewer")`,
    '  Health        ' + apps.map((app, i) => `${i ? '                ' : ''}${app.name.padEnd(width)}  ${app.url}/health/ready`).join('\n'),
    ...(apps.some((app) => app.metricsUrl)
      ? ['  Metrics       ' + apps.filter((app) => app.metricsUrl).map((app, i) => `${i ? '                ' : ''}${app.name.padEnd(width)}  ${app.metricsUrl}`).join('\n')]
      : []),
    '',
  ];
  for (const dependency of dependencies) {
    const note = dependency.note ? `  (${dependency.note})` : '';
    const location = dependency.location === '-' ? '' : `  ${dependency.location}`;
    lines.push(`  ${dependency.name.padEnd(12)}  ${ORIGINS[dependency.origin]}${location}${note}`);
  }
  const secret = { given: 'JWT_SECRET from env', file: `JWT secret from ${jwt.file}`, generated: `JWT secret generated into ${jwt.file}` }[jwt.origin];
  lines.push(`  ${'Tokens'.padEnd(12)}  ${secret}`);
  lines.push('');
  lines.push('  Credentials   bootstrap admin (the identity service creates it when missing, and never changes it)');
  for (const line of adminLines) lines.push(`                ${line}`);
  lines.push('');
  lines.push('Stop with Ctrl-C.');
  return lines.join('\n');
}

module.exports = { summaryText };

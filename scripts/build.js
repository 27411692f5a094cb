#!/usr/bin/env node
// Compiles apps and libs to dist/ (tsc, incremental) and makes `@quire/<lib>` resolvable at run
// time from dist/node_modules, so compiled apps run with plain `node` (also in the Docker image).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { writeWordAgentPackage } = require('./lib/word-agent-package');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function build() {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const lib of fs.readdirSync(path.join(root, 'libs'))) {
    const entry = path.join(dist, 'libs', lib, 'src', 'index.js');
    if (!fs.existsSync(entry)) continue;
    const shim = path.join(dist, 'node_modules', '@quire', lib);
    fs.mkdirSync(shim, { recursive: true });
    fs.writeFileSync(path.join(shim, 'index.js'), `module.exports = require('../../../libs/${lib}/src/index.js');\n`);
    fs.writeFileSync(path.join(shim, 'package.json'), JSON.stringify({ name: `@quire/${lib}`, main: 'index.js' }) + '\n');
  }
  // The desktop agent ships alone, every dependency inside its tarball (ADR 007).
  writeWordAgentPackage(root, dist);
}

if (require.main === module) build();
module.exports = { build, dist };

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
  buildViewer();
}

/**
 * The browser viewer (apps/gateway/viewer, ADR 021): esbuild bundles its TypeScript and CSS into
 * content-hashed files under dist/apps/gateway/viewer/assets and writes index.html naming them
 * (no inline script or style: the page's CSP allows only its own files). The gateway serves that
 * folder at /viewer; the Docker image carries it inside dist/apps/gateway.
 */
function buildViewer() {
  const source = path.join(root, 'apps', 'gateway', 'viewer');
  const outDir = path.join(dist, 'apps', 'gateway', 'viewer');
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = require('esbuild').buildSync({
    entryPoints: [path.join(source, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    entryNames: '[name]-[hash]',
    outdir: path.join(outDir, 'assets'),
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style) throw new Error(`the viewer build made no script or no style (${outputs.join(', ')})`);
  const page = fs.readFileSync(path.join(source, 'index.html'), 'utf8').replace('{{script}}', script).replace('{{style}}', style);
  fs.writeFileSync(path.join(outDir, 'index.html'), page);
}

if (require.main === module) build();
module.exports = { build, dist };

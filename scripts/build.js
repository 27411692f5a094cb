#!/usr/bin/env node
// Compiles apps and libs to dist/ (tsc, incremental) and makes `@quire/<lib>` resolvable at run
// time from dist/node_modules, so compiled apps run with plain `node` (also in the Docker image).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

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
  writeWordAgentPackage();
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

/**
 * The Word agent is installed on desktops on its own (`npm pack` of dist/apps/word-agent): give it
 * a package.json with its bin and its runtime dependencies at the versions this repo pins. The
 * Quire libs it imports (`bundledLibs` in package.dist.json) resolve here through dist/node_modules,
 * which the package leaves behind, so each is copied, compiled, into the package's own
 * node_modules and listed as a bundled dependency (ADR 007).
 */
function writeWordAgentPackage() {
  const outDir = path.join(dist, 'apps', 'word-agent');
  if (!fs.existsSync(path.join(outDir, 'src', 'main.js'))) return;
  const pinned = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const { bundledLibs = [], ...manifest } = JSON.parse(fs.readFileSync(path.join(root, 'apps', 'word-agent', 'package.dist.json'), 'utf8'));
  manifest.version = pinned.version;
  manifest.engines = pinned.engines;
  manifest.dependencies = Object.fromEntries(manifest.dependencies.map((name) => [name, pinned.dependencies[name]]));
  fs.rmSync(path.join(outDir, 'node_modules'), { recursive: true, force: true });
  for (const lib of bundledLibs) {
    const name = `@quire/${lib}`;
    copyBundledLib(lib, path.join(outDir, 'node_modules', name), pinned.version);
    manifest.dependencies[name] = pinned.version;
  }
  manifest.bundleDependencies = bundledLibs.map((lib) => `@quire/${lib}`);
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.chmodSync(path.join(outDir, 'src', 'main.js'), 0o755);
}

/** Copies a compiled lib's .js files; refuses one that requires anything but its own files and Node's. */
function copyBundledLib(lib, target, version) {
  const source = path.join(dist, 'libs', lib, 'src');
  for (const file of fs.readdirSync(source, { recursive: true })) {
    if (!file.endsWith('.js')) continue;
    const code = fs.readFileSync(path.join(source, file), 'utf8');
    for (const [, request] of code.matchAll(/\brequire\(["']([^"']+)["']\)/g)) {
      if (!request.startsWith('.') && !request.startsWith('node:')) {
        throw new Error(`libs/${lib} is bundled into the Word agent and may not require ${request} (${file})`);
      }
    }
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.writeFileSync(path.join(target, file), code);
  }
  fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: `@quire/${lib}`, version, main: 'index.js' }) + '\n');
}

if (require.main === module) build();
module.exports = { build, dist };

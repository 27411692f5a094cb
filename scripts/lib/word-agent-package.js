// The Word agent's installable package (ADR 007): dist/apps/word-agent with a package.json whose
// every dependency is bundled, so `npm install -g <tgz>` needs no registry and runs no scripts.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { builtinModules } = require('node:module');
const path = require('node:path');

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/**
 * Writes dist/apps/word-agent/package.json and its node_modules: the registry packages named in
 * apps/word-agent/package.dist.json (at the versions the root package.json pins, with their own
 * dependencies) and the compiled Quire libs in `bundledLibs`, all listed in `bundleDependencies`.
 * Refuses a bundled package that needs an install script or a native addon, and agent code that
 * requires a package the tarball would not carry.
 */
function writeWordAgentPackage(root, dist) {
  const outDir = path.join(dist, 'apps', 'word-agent');
  if (!fs.existsSync(path.join(outDir, 'src', 'main.js'))) return;
  const pinned = readJson(path.join(root, 'package.json'));
  const { bundledLibs = [], dependencies: registryPackages = [], ...manifest } = readJson(path.join(root, 'apps', 'word-agent', 'package.dist.json'));
  manifest.version = pinned.version;
  manifest.engines = pinned.engines;
  manifest.dependencies = {};
  const modules = path.join(fs.realpathSync(outDir), 'node_modules');
  fs.rmSync(modules, { recursive: true, force: true });
  /** Each bundled copy's folder → the installed package it was copied from. */
  const copies = new Map();
  for (const name of registryPackages) {
    const version = pinned.dependencies[name];
    const source = findPackage(name, root);
    if (!version || !source || readJson(path.join(source, 'package.json')).version !== version) {
      throw new Error(`the Word agent bundles ${name}: pin it in the root package.json dependencies and install it (found ${source ?? 'nothing'})`);
    }
    bundlePackage(name, source, modules, modules, copies);
    manifest.dependencies[name] = version;
  }
  for (const lib of bundledLibs) {
    copyBundledLib(path.join(dist, 'libs', lib, 'src'), lib, path.join(modules, '@quire', lib), pinned.version);
    manifest.dependencies[`@quire/${lib}`] = pinned.version;
  }
  manifest.bundleDependencies = Object.keys(manifest.dependencies);
  assertRequiresAreCarried(path.join(outDir, 'src'), manifest.bundleDependencies);
  assertResolvesAsInRepo(copies);
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.chmodSync(path.join(outDir, 'src', 'main.js'), 0o755);
}

/** The folder of package `name` as Node would resolve it from `fromDir` (walking up node_modules). */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The packages this one needs at run time: dependencies, and peers that are not optional. */
function runtimeDependencies(manifest) {
  const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name);
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => !optionalPeers.includes(name));
  return { required: [...Object.keys(manifest.dependencies ?? {}), ...peers], optional: Object.keys(manifest.optionalDependencies ?? {}) };
}

/**
 * Copies an installed package and, recursively, its dependencies: at the top of the agent's
 * node_modules when that name is free (or already the same copy), else nested under the package
 * that needs the other version — the layout Node resolves.
 */
function bundlePackage(name, source, topModules, nestedModules, copies) {
  const atTop = copies.get(path.join(topModules, name));
  if (atTop === source) return;
  const target = path.join(atTop === undefined ? topModules : nestedModules, name);
  const manifest = readJson(path.join(source, 'package.json'));
  assertPortable(name, source, manifest);
  fs.cpSync(source, target, { recursive: true, dereference: true, filter: (file) => !path.relative(source, file).split(path.sep).includes('node_modules') });
  copies.set(target, source);
  const { required, optional } = runtimeDependencies(manifest);
  for (const dependency of [...required, ...optional]) {
    const found = findPackage(dependency, source);
    if (!found && optional.includes(dependency)) continue;
    if (!found) throw new Error(`the Word agent bundles ${name}, which needs ${dependency}: not installed`);
    bundlePackage(dependency, found, topModules, path.join(target, 'node_modules'), copies);
  }
}

/** A package that builds or downloads something at install time could not be installed offline. */
function assertPortable(name, source, manifest) {
  const scripts = Object.keys(manifest.scripts ?? {}).filter((script) => ['preinstall', 'install', 'postinstall'].includes(script));
  const native = manifest.gypfile || fs.existsSync(path.join(source, 'binding.gyp'))
    ? 'binding.gyp'
    : fs.readdirSync(source, { recursive: true }).find((file) => String(file).endsWith('.node'));
  if (scripts.length || native) {
    throw new Error(`the Word agent bundles ${name}, which ${scripts.length ? `has install scripts (${scripts.join(', ')})` : `is native (${native})`}: it cannot ship in an offline tarball (ADR 007)`);
  }
}

/** From where each copy sits, every dependency resolves to the copy of what its source resolves in the repo. */
function assertResolvesAsInRepo(copies) {
  for (const [target, source] of copies) {
    const manifest = readJson(path.join(source, 'package.json'));
    const { required, optional } = runtimeDependencies(manifest);
    for (const dependency of [...required, ...optional]) {
      const inRepo = findPackage(dependency, source);
      if (inRepo && copies.get(findPackage(dependency, target)) !== inRepo) {
        throw new Error(`bundled ${manifest.name} would not resolve ${dependency} to the version it uses in the repo`);
      }
    }
  }
}

/** Copies a compiled lib's .js files; refuses one that requires anything but its own files and Node's. */
function copyBundledLib(source, lib, target, version) {
  for (const file of fs.readdirSync(source, { recursive: true })) {
    if (!file.endsWith('.js')) continue;
    const code = fs.readFileSync(path.join(source, file), 'utf8');
    for (const request of requiredPackages(code)) {
      throw new Error(`libs/${lib} is bundled into the Word agent and may not require ${request} (${file})`);
    }
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.writeFileSync(path.join(target, file), code);
  }
  fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: `@quire/${lib}`, version, main: 'index.js' }) + '\n');
}

/** Package names a compiled CommonJS file requires or imports (not its own files, not Node's). */
function requiredPackages(code) {
  const names = new Set();
  for (const [, request] of code.matchAll(/\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g)) {
    if (request.startsWith('.') || request.startsWith('node:') || builtinModules.includes(request.split('/')[0])) continue;
    names.add(request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/'));
  }
  return names;
}

/** Agent code that requires a package the tarball does not carry works in the repo and fails on the PC. */
function assertRequiresAreCarried(srcDir, carried) {
  for (const file of fs.readdirSync(srcDir, { recursive: true })) {
    if (!String(file).endsWith('.js')) continue;
    for (const name of requiredPackages(fs.readFileSync(path.join(srcDir, file), 'utf8'))) {
      if (!carried.includes(name)) {
        throw new Error(`apps/word-agent requires ${name} (${file}), which its package does not carry: add it to apps/word-agent/package.dist.json`);
      }
    }
  }
}

/** `npm pack` of the built package into `destination`; returns the tarball's path. */
function packWordAgent(dist, destination) {
  fs.mkdirSync(destination, { recursive: true });
  const stdout = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    cwd: path.join(dist, 'apps', 'word-agent'),
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(stdout);
  return path.join(destination, filename);
}

module.exports = { writeWordAgentPackage, packWordAgent };

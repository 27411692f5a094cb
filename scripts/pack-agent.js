#!/usr/bin/env node
// `npm run pack:agent`: builds, then packs the Word agent into dist/quire-word-agent-<version>.tgz,
// a tarball that carries every dependency: `npm install -g <tgz>` needs no registry (ADR 007).
'use strict';
const { build, dist } = require('./build');
const { packWordAgent } = require('./lib/word-agent-package');

build();
process.stdout.write(`${packWordAgent(dist, dist)}\n`);

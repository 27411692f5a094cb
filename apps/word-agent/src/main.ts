#!/usr/bin/env node
import { runCli } from './cli/cli';
import { redact } from './logging/redact';

runCli(process.argv.slice(2), __filename).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`quire-word-agent: ${redact((error as Error).message)}\n`);
    process.exitCode = 1;
  },
);

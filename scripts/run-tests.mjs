#!/usr/bin/env node
// Runs every `*.test.ts` under packages/*/src (and any paths given) with Node's own test runner,
// TypeScript loaded by tsx. Node 20's `--test` does not expand globs itself, hence this script.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function collect(directory, found) {
  for (const name of readdirSync(directory)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) collect(full, found);
    else if (/\.test\.tsx?$/.test(name)) found.push(path.relative(root, full));
  }
  return found;
}

const requested = process.argv.slice(2);
const files = requested.length > 0
  ? requested.flatMap((entry) => (statSync(entry).isDirectory() ? collect(path.resolve(entry), []) : [entry]))
  : readdirSync(path.join(root, 'packages')).flatMap((name) => {
      const source = path.join(root, 'packages', name, 'src');
      try {
        return collect(source, []);
      } catch {
        return [];
      }
    });

if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

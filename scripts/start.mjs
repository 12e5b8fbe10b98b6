#!/usr/bin/env node
// `npm start` (`exec node scripts/start.mjs`): builds if the sources changed since the last build,
// then runs the gateway in this very process.
//
// npm runs a script under `sh -c` and passes SIGTERM and SIGINT on to that shell only. The shell dies
// of the signal without passing it on (dash does not even exec a lone command), so a gateway started
// by it, or by `npm run build && node main.js`, was orphaned: port still bound, nothing drained. With
// `exec` the shell becomes this process, and with the build done here the gateway is that same
// process: a supervisor's SIGTERM drains it, and npm exits with its code (0).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const GATEWAY_MAIN = path.join(root, 'packages/gateway/dist/main.js');
/** `npm run build` writes the web app last, so its index.html dates the whole build. */
const BUILD_MARKER = path.join(root, 'packages/web/dist/index.html');
const BUILD_INPUTS = [
  'package.json',
  'tsconfig.base.json',
  ...['protocol', 'gateway', 'client', 'web'].flatMap((name) => [`packages/${name}/src`, `packages/${name}/package.json`, `packages/${name}/tsconfig.json`]),
  'packages/web/index.html',
  'packages/web/public',
  'packages/web/vite.config.ts',
];

/** The newest modification time under `entry` (a file or a directory), 0 when it does not exist. */
function newestModification(entry) {
  if (!existsSync(entry)) return 0;
  const status = statSync(entry);
  if (!status.isDirectory()) return status.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestModification(path.join(entry, name))), status.mtimeMs);
}

function buildIsStale() {
  if (!existsSync(GATEWAY_MAIN) || !existsSync(BUILD_MARKER)) return true;
  const builtAt = statSync(BUILD_MARKER).mtimeMs;
  return BUILD_INPUTS.some((input) => newestModification(path.join(root, input)) > builtAt);
}

/** `npm run build`, with the npm that runs this script when there is one. */
function build() {
  const [command, prefix] = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const child = spawn(command, [...prefix, 'run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && !process.env.npm_execpath });
  // A stop asked for during the build stops the build too, rather than leaving it to run on alone.
  const forward = (signal) => child.kill(signal);
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

if (buildIsStale()) {
  const code = await build();
  if (code !== 0) process.exit(code);
}
await import(pathToFileURL(GATEWAY_MAIN).href);

#!/usr/bin/env node
// Builds better-sqlite3 12 (installed as `better-sqlite3-node20`, the SQLite driver on Node 20 only:
// docs/adr/0006-*) on Node 20, once per machine. Run by the root `prepare` script, after npm has
// installed the dependencies.
//
// better-sqlite3 12 ships no binary: its install script asks GitHub for one (unreachable from many
// networks, and slow to fail behind some proxies), then compiles SQLite (about a minute), at every
// install and on every Node version, although only Node 20 loads it. The root package.json's
// `allowScripts` stops npm 11 from running that script; this one builds it where it is needed. The
// build is kept in prebuild-install's own cache (`_prebuilds` in npm's cache folder, keyed by version,
// Node ABI, platform and architecture), so the next install, in any checkout on this machine, unpacks
// it in a moment. npm 10 ignores `allowScripts` and runs the package's script, which finds the same
// cache entry instead of downloading and compiling.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ALIAS = 'better-sqlite3-node20';
const root = path.resolve(import.meta.dirname, '..');

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
}

/** Where prebuild-install keeps a download of this package for this Node, computed by prebuild-install itself. */
function cachedPrebuild(packageDirectory, manifest) {
  const requireFromPackage = createRequire(path.join(packageDirectory, 'package.json'));
  const configuration = requireFromPackage('prebuild-install/rc')(manifest);
  const util = requireFromPackage('prebuild-install/util');
  return util.cachedPrebuild(util.getDownloadUrl({ ...configuration, pkg: manifest }));
}

/** node-gyp as npm runs it for install scripts (npm passes its path to scripts), else npm's bundled copy. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const npm = process.env.npm_execpath ?? '';
  return path.join(path.dirname(path.dirname(npm)), 'node_modules/node-gyp/bin/node-gyp.js');
}

if (Number(process.versions.node.split('.')[0]) !== 20) process.exit(0);

let packageDirectory;
try {
  packageDirectory = path.dirname(createRequire(path.join(root, 'package.json')).resolve(`${ALIAS}/package.json`));
} catch {
  // An optional dependency: npm leaves it out where it cannot be installed. The gateway then says so.
  console.warn(`${ALIAS} is not installed: the SQLite stores will not load on Node ${process.versions.node}.`);
  process.exit(0);
}
const manifest = createRequire(import.meta.url)(path.join(packageDirectory, 'package.json'));
const addon = path.join(packageDirectory, 'build/Release/better_sqlite3.node');
const cached = cachedPrebuild(packageDirectory, manifest);

if (!existsSync(addon)) {
  if (existsSync(cached)) {
    run('tar', ['-xzf', cached, '-C', packageDirectory], root);
  } else {
    console.log(`Compiling better-sqlite3 ${manifest.version} for Node ${process.versions.node} (once per machine, about a minute)...`);
    run(process.execPath, [nodeGyp(), 'rebuild', '--release'], packageDirectory);
  }
}
if (!existsSync(cached)) {
  // The layout of the project's own prebuilt tarballs: build/Release/better_sqlite3.node.
  mkdirSync(path.dirname(cached), { recursive: true });
  const partial = `${cached}.${process.pid}.partial`;
  run('tar', ['-czf', partial, '-C', packageDirectory, 'build/Release/better_sqlite3.node'], root);
  renameSync(partial, cached);
}

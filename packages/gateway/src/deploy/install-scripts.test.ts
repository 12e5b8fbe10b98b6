import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

// `npm install` on a fresh clone must be quick and must not depend on reaching GitHub: npm 11 runs
// only the install scripts the root package.json allows, and better-sqlite3 12 (Node 20's driver) is
// built once per machine by scripts/sqlite-node20.mjs, then taken from prebuild-install's cache.

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean>; scripts: Record<string, string> };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { name?: string; hasInstallScript?: boolean; link?: boolean }> };

test('every dependency with an install script is allowed or denied by name in the root allowScripts, as npm 11 reads it', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([location, entry]) => location.includes('node_modules/') && entry.hasInstallScript && !entry.link)
    // An alias (better-sqlite3-node20) is known to npm's policy by the real package's name.
    .map(([location, entry]) => entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.length > 0);
  // The lockfile keeps no registry URLs, so npm cannot verify a version: entries are bare names.
  for (const name of new Set(withScripts)) assert.equal(typeof manifest.allowScripts?.[name], 'boolean', `allowScripts has no entry for ${name}`);
  assert.ok(Object.keys(manifest.allowScripts!).every((name) => !name.slice(1).includes('@')), 'no versioned entries');
  assert.equal(manifest.allowScripts!['better-sqlite3'], false, "better-sqlite3 12's download-then-compile script never runs at install");
  assert.match(manifest.scripts.prepare!, /^node scripts\/sqlite-node20\.mjs && /);
});

test('on Node 20 the SQLite driver is built and kept in prebuild-install\'s cache for the next install; elsewhere nothing is built', async () => {
  const packageDirectory = path.join(ROOT, 'node_modules/better-sqlite3-node20');
  const packageManifest = JSON.parse(readFileSync(path.join(packageDirectory, 'package.json'), 'utf8')) as Record<string, unknown>;
  const requireFromPackage = createRequire(path.join(packageDirectory, 'package.json'));
  const util = requireFromPackage('prebuild-install/util') as { cachedPrebuild(url: string): string; getDownloadUrl(options: unknown): string };
  const configuration = (requireFromPackage('prebuild-install/rc') as (pkg: unknown) => Record<string, unknown>)(packageManifest);
  const cached = util.cachedPrebuild(util.getDownloadUrl({ ...configuration, pkg: packageManifest }));
  const existedBefore = existsSync(cached);

  await run(process.execPath, [path.join(ROOT, 'scripts/sqlite-node20.mjs')], { cwd: ROOT, timeout: 300_000 });

  if (Number(process.versions.node.split('.')[0]) === 20) {
    assert.ok(existsSync(path.join(packageDirectory, 'build/Release/better_sqlite3.node')), 'the driver Node 20 loads is built');
    const { stdout } = await run('tar', ['-tzf', cached]);
    assert.deepEqual(stdout.trim().split('\n'), ['build/Release/better_sqlite3.node'], 'the cache entry has the layout prebuild-install unpacks');
  } else {
    assert.equal(existsSync(cached), existedBefore, `Node ${process.versions.node} never loads better-sqlite3 12: nothing is built or cached for it`);
  }
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

// .dockerignore decides the image's build context, and the CDK app hashes the same context for its
// image asset: what the build reads must be in, everything large or generated must be out.

const ROOT = path.resolve(import.meta.dirname, '../../../..');

interface Rule {
  pattern: RegExp;
  exception: boolean;
}

/** Docker's pattern syntax: `*` and `?` within one path segment, `**` across any number of them. */
function toExpression(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (pattern.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (pattern.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const rules: Rule[] = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const exception = line.startsWith('!');
    const pattern = (exception ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    return { pattern: toExpression(pattern), exception };
  });

/** As Docker decides: the last rule that matches the path, or one of its parent directories, wins. */
function ignored(relative: string): boolean {
  const parents = relative.split('/').map((_, index, segments) => segments.slice(0, index + 1).join('/'));
  let result = false;
  for (const rule of rules) if (parents.some((candidate) => rule.pattern.test(candidate))) result = !rule.exception;
  return result;
}

function files(directory: string): string[] {
  return readdirSync(path.join(ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${directory}/${entry.name}`;
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    return entry.isDirectory() ? files(relative) : [relative];
  });
}

describe('.dockerignore', () => {
  test('keeps out installed and built files at every level, data, secrets, test output and the CDK app', () => {
    for (const relative of [
      'node_modules/fastify/package.json',
      'packages/gateway/node_modules/ws/index.js',
      'packages/gateway/dist/main.js',
      'packages/web/dist/index.html',
      'packages/gateway/tsconfig.tsbuildinfo',
      'packages/infra/cdk.out/manifest.json',
      'packages/infra/bin/synth.ts',
      'cdk.out/tree.json',
      'data/streamgate.db',
      'packages/gateway/data/keys.db',
      '.git/HEAD',
      '.env',
      '.env.production',
      'test-results/chat.png',
      'packages/web/playwright-report/index.html',
      'bench/results/run.json',
      'docs/screenshots/chat.png',
    ]) {
      assert.ok(ignored(relative), `${relative} stays out of the build context`);
    }
  });

  test('lets in everything the image build reads, and of the packages leaves out only tests and documents', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
    // npm ci reads every workspace's manifest, the CDK app's included.
    for (const relative of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'Dockerfile', 'scripts/runtime-layout.mjs', ...manifest.workspaces.map((workspace) => `${workspace}/package.json`)]) {
      assert.ok(!ignored(relative), `${relative} is in the build context`);
    }
    const built = manifest.workspaces.filter((workspace) => workspace !== 'packages/infra');
    for (const relative of built.flatMap((workspace) => files(workspace))) {
      const notBuilt = /\.test\.tsx?$|\/(test-support|end-to-end)\/|\.md$/.test(relative);
      assert.equal(ignored(relative), notBuilt, `${relative} is ${notBuilt ? 'out of' : 'in'} the build context`);
    }
  });
});

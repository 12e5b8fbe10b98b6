#!/usr/bin/env node
// The gateway's runtime layout: what the container image's runtime stage holds, and nothing else.
//
//   node scripts/runtime-layout.mjs <destination>   copies the layout into <destination>
//   node scripts/runtime-layout.mjs --list          prints its paths, one a line
//
// Run after `npm ci` (which builds). The Dockerfile's build stage runs it and the runtime stage copies
// its output; the container test runs the same command into a temporary directory and starts the
// gateway from there, so the image and the test cannot disagree about what the gateway needs.
//
// The layout: the built gateway and protocol packages (package.json + dist), the built web app, and
// the production dependency closure of the gateway, walked from package.json files the way Node
// resolves them: `dependencies`, installed `optionalDependencies` and required `peerDependencies`.
// A package the gateway imports but lists only under devDependencies is left out, and the gateway
// started from the layout fails.
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Workspace packages the gateway runs with: their manifest (so that they resolve) and their build. */
const WORKSPACE_PACKAGES = ['packages/protocol', 'packages/gateway'];
/** The web app is static files served by the gateway (WEB_APP_DIR's default); none of its dependencies run. */
const STATIC_DIRECTORIES = ['packages/web/dist'];

/**
 * better-sqlite3 12, installed under this alias, is loaded only on Node 20 (see
 * packages/gateway/src/stores/sqlite-driver.ts and docs/adr/0006-*). On Node 22 and newer the layout
 * leaves it out: 28 MB never loaded, and an addon that aborts the process on Node 24.19+ if it were.
 */
const NODE20_SQLITE_ALIAS = 'better-sqlite3-node20';
const nodeMajor = Number(process.versions.node.split('.')[0]);

function readManifest(directory) {
  return JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
}

/** Where Node would find `name` when required from `directory` (inside the project), or undefined. */
function resolvePackage(name, directory) {
  for (let current = directory; ; current = path.dirname(current)) {
    if (path.basename(current) !== 'node_modules') {
      const candidate = path.join(current, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    if (current === root || current === path.dirname(current)) return undefined;
  }
}

/** The names a package needs at run time, each with whether it may be missing. */
function runtimeDependencies(manifest) {
  const optionalPeers = manifest.peerDependenciesMeta ?? {};
  return [
    ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    // Optional peers are left to whoever depends on the package; required ones npm installs with it.
    ...Object.keys(manifest.peerDependencies ?? {})
      .filter((name) => !optionalPeers[name]?.optional)
      .map((name) => ({ name, optional: false })),
  ].filter(({ name }) => !(name === NODE20_SQLITE_ALIAS && nodeMajor >= 22));
}

/**
 * The production dependency closure of the workspace packages: paths under node_modules (relative to
 * the root) of every installed package they need, workspace packages excluded.
 */
export function productionPackages() {
  const found = new Set();
  const pending = WORKSPACE_PACKAGES.map((relative) => path.join(root, relative));
  while (pending.length > 0) {
    const directory = pending.pop();
    for (const { name, optional } of runtimeDependencies(readManifest(directory))) {
      const location = resolvePackage(name, directory);
      if (!location) {
        if (optional) continue; // e.g. a binary for another platform
        throw new Error(`${name}, needed by ${path.relative(root, directory) || 'the root'}, is not installed: run \`npm ci\` first`);
      }
      const real = realpathSync(location);
      if (!real.split(path.sep).includes('node_modules')) {
        // A workspace package: copied as such (manifest and build), so it must be one of ours.
        if (!WORKSPACE_PACKAGES.includes(path.relative(root, real).split(path.sep).join('/'))) {
          throw new Error(`${name} (${path.relative(root, real)}) is needed at run time: add it to WORKSPACE_PACKAGES in scripts/runtime-layout.mjs`);
        }
        continue;
      }
      const relative = path.relative(root, location);
      if (found.has(relative)) continue;
      found.add(relative);
      pending.push(location);
    }
  }
  return [...found].sort();
}

/** Every path of the layout, relative to the root; workspace links are listed as `link -> target`. */
export function runtimeLayout() {
  const workspaceFiles = WORKSPACE_PACKAGES.flatMap((relative) => [`${relative}/package.json`, `${relative}/dist`]);
  const links = WORKSPACE_PACKAGES.map((relative) => {
    const name = readManifest(path.join(root, relative)).name;
    return { link: `node_modules/${name}`, target: path.relative(path.dirname(path.join(root, 'node_modules', name)), path.join(root, relative)) };
  });
  return { workspaceFiles, staticDirectories: STATIC_DIRECTORIES, links, packages: productionPackages() };
}

/** Copies the layout into `destination` (emptied first). */
export function assembleRuntimeLayout(destination) {
  const layout = runtimeLayout();
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  for (const relative of [...layout.workspaceFiles, ...layout.staticDirectories]) {
    const source = path.join(root, relative);
    if (!existsSync(source)) throw new Error(`${relative} is missing: build first (\`npm run build\`)`);
    // Build bookkeeping stays behind: it only tells tsc what to rebuild.
    cpSync(source, path.join(destination, relative), { recursive: true, filter: (file) => !file.endsWith('.tsbuildinfo') });
  }
  for (const relative of layout.packages) {
    // Nested node_modules are copied as packages of their own, and only those in the closure.
    const source = path.join(root, relative);
    cpSync(source, path.join(destination, relative), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (file) => file === source || !path.relative(source, file).split(path.sep).includes('node_modules'),
    });
  }
  // Workspace packages resolve by name through relative links, as npm makes them; COPY keeps links.
  for (const { link, target } of layout.links) {
    mkdirSync(path.dirname(path.join(destination, link)), { recursive: true });
    symlinkSync(target, path.join(destination, link));
  }
  return layout;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(import.meta.filename)) {
  const [argument] = process.argv.slice(2);
  if (!argument) {
    process.stderr.write('usage: node scripts/runtime-layout.mjs <destination> | --list\n');
    process.exit(64);
  }
  if (argument === '--list') {
    const layout = runtimeLayout();
    const lines = [...layout.workspaceFiles, ...layout.staticDirectories, ...layout.links.map(({ link, target }) => `${link} -> ${target}`), ...layout.packages];
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    const layout = assembleRuntimeLayout(path.resolve(argument));
    process.stdout.write(`runtime layout in ${path.resolve(argument)}: ${layout.packages.length} production packages\n`);
  }
}

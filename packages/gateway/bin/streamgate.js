#!/usr/bin/env node
// The `streamgate` command. This file is committed, not built: npm links a package's commands when it
// installs it, before any build has run, and a command whose file does not exist yet is never linked
// (`npx streamgate` then fails with "could not determine executable to run").
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('streamgate is not built yet: run `npm run build` at the repository root (npm install does it too).\n');
  process.exit(1);
}
await import(main.href);

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const DRIVER = new URL('../../dist/stores/sqlite-driver.js', import.meta.url).href;

// better-sqlite3 12 built for Node 24.19 or newer aborts the process here, the first time the garbage
// collector frees one of its statements (`Assertion failed: (env) != nullptr`).
const CHURN = `
const { Sqlite } = await import(${JSON.stringify(DRIVER)});
const database = new Sqlite(':memory:');
let garbage = [];
for (let index = 0; index < 50_000; index++) {
  database.prepare('SELECT ?').get(index);
  garbage.push(new Array(50).fill(index));
}
garbage = undefined;
database.close();
console.log('survived');
`;

test('the process survives the garbage collector freeing thousands of SQLite statements', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', CHURN], { timeout: 60_000 });
  assert.equal(stdout.trim(), 'survived');
});

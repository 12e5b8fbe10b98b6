// Starts StreamGate's built server (packages/gateway/dist/main.js) in this process, configured by the
// environment the benchmark sets; exits when the parent goes away or at the end of the lifetime.
//
//   node bench/openai-compare/streamgate-server.mjs [--lifetime-ms 1800000]
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'lifetime-ms': { type: 'string', default: '1800000' } } });
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
setTimeout(() => process.exit(0), Number(values['lifetime-ms'])).unref();
await import('../../packages/gateway/dist/main.js');

// Starts the Portkey AI gateway (npm @portkey-ai/gateway) in this process, on 127.0.0.1 only.
// The package's one entry point is build/start-server.js, which reads `--port=` and `--headless` from
// argv and listens on every interface; portkey-loopback-hooks.mjs narrows that to loopback.
//
//   node bench/openai-compare/portkey-server.mjs --port 8787 [--lifetime-ms 1800000]
import { register } from 'node:module';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'lifetime-ms': { type: 'string', default: '1800000' } } });
if (!values.port) throw new Error('--port is required');
register('./portkey-loopback-hooks.mjs', import.meta.url);
process.argv = [process.argv[0], 'start-server.js', `--port=${values.port}`, '--headless'];
// Exit cleanly on SIGTERM (so that --cpu-prof writes its profile), when the parent goes away, or at the end of the lifetime.
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), Number(values['lifetime-ms'])).unref();
await import('@portkey-ai/gateway/build/start-server.js');

/**
 * StreamGate against the Portkey AI gateway, in one run, on one mock OpenAI-compatible upstream:
 * the upstream called directly, through StreamGate, and through Portkey. Each server runs in its own
 * process on 127.0.0.1; this process is the load client. Variants are measured in A-B-C-C-B-A blocks,
 * repeated, so that noise from other work on the machine falls on all three alike.
 *
 *   npm run build && node --import tsx bench/openai-compare/run.ts [--quick] [--profile] [--out results.json]
 *
 * Reported: added time to first token (streamed) and added latency (whole), p50 and p99, over the
 * upstream called directly; completed streamed requests per second at each concurrency; resident memory.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TargetClient, type Target } from './load.js';
import { cpuTimeOf, freePort, listensOnLoopbackOnly, memoryOf, spawnNode, waitForHttp, type ServerProcess } from './processes.js';
import { failedRequests, formatReport, type Report, type VariantResult } from './report.js';
import { summarize } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
    rounds: { type: 'string' },
    samples: { type: 'string' },
    'duration-ms': { type: 'string' },
    concurrency: { type: 'string', default: '1,64,256' },
    tokens: { type: 'string', default: '20' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const rounds = Number(values.rounds ?? (values.quick ? 1 : 3));
const samplesPerBlock = Number(values.samples ?? (values.quick ? 100 : 200));
const durationMs = Number(values['duration-ms'] ?? (values.quick ? 1_000 : 2_500));
const concurrencies = values.concurrency.split(',').map(Number);
const MAX_REQUESTS_PER_BLOCK = 500_000;
const LIFETIME_MS = '3600000';
const API_KEY = 'sg-bench-key-0123456789abcdef';

/** The main thread's profile in a folder of one process's profiles: the largest (other threads barely run). */
function mainThreadProfile(folder: string): string {
  const files = readdirSync(folder).map((name) => path.join(folder, name));
  return files.reduce((largest, file) => (statSync(file).size > statSync(largest).size ? file : largest));
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'streamgate-bench-'));
  const profileDirectory = path.join(work, 'profiles');
  // One folder per server: a process with module hooks (Portkey's) also writes a profile of its hooks thread.
  const profileArguments = (name: string) => (values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDirectory, name)}`] : []);
  const servers: ServerProcess[] = [];
  const stopAll = () => Promise.all(servers.map((server) => server.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const upstream = spawnNode('mock upstream', path.join(here, 'mock-upstream.ts'), {
      nodeArguments: ['--import', 'tsx'],
      args: ['--port', '0', '--tokens', values.tokens, '--lifetime-ms', LIFETIME_MS],
      port: 0,
    });
    servers.push(upstream);
    const upstreamPort = await new Promise<number>((resolve, reject) => {
      upstream.child.once('message', (message: { port: number }) => resolve(message.port));
      upstream.child.once('exit', () => reject(new Error('the mock upstream did not start')));
    });
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    const modelsFile = path.join(work, 'models.json');
    writeFileSync(
      modelsFile,
      JSON.stringify({
        default: 'mock',
        providers: { mock: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, apiKey: 'sk-bench' } },
        models: [{ id: 'mock', provider: 'mock', upstream: 'mock-model' }],
      }),
    );
    const streamgatePort = await freePort();
    servers.push(
      spawnNode('StreamGate', path.join(here, 'streamgate-server.mjs'), {
        nodeArguments: profileArguments('streamgate'),
        args: ['--lifetime-ms', LIFETIME_MS],
        env: {
          HOST: '127.0.0.1',
          PORT: String(streamgatePort),
          API_KEYS: API_KEY,
          SESSION_STORE: 'memory',
          // Limits stay on (their cost is part of every request) but are set out of reach.
          RATE_LIMIT_REQUESTS: '10000000',
          MODELS_FILE: modelsFile,
          BEDROCK_ENABLED: 'false',
          LOG_LEVEL: values['log-level'],
          NODE_ENV: 'production',
        },
        port: streamgatePort,
      }),
    );
    const portkeyPort = await freePort();
    servers.push(
      spawnNode('Portkey', path.join(here, 'portkey-server.mjs'), {
        nodeArguments: profileArguments('portkey'),
        args: ['--port', String(portkeyPort), '--lifetime-ms', LIFETIME_MS],
        env: { NODE_ENV: 'production' },
        port: portkeyPort,
      }),
    );
    const [, streamgate, portkey] = servers as [ServerProcess, ServerProcess, ServerProcess];
    await Promise.all([waitForHttp(`${upstreamUrl}/health`), waitForHttp(`${streamgate.url}/health`), waitForHttp(`${portkey.url}/`)]);
    for (const port of [upstreamPort, streamgatePort, portkeyPort]) {
      if (!listensOnLoopbackOnly(port)) throw new Error(`port ${port} is not bound to 127.0.0.1 only`);
    }

    const targets: Target[] = [
      { name: 'upstream directly', url: new URL(`${upstreamUrl}/v1/chat/completions`), headers: { authorization: 'Bearer sk-bench' }, model: 'mock-model' },
      { name: 'StreamGate', url: new URL(`${streamgate.url}/v1/chat/completions`), headers: { authorization: `Bearer ${API_KEY}` }, model: 'mock' },
      {
        name: 'Portkey',
        url: new URL(`${portkey.url}/v1/chat/completions`),
        headers: { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamUrl}/v1` },
        model: 'mock-model',
      },
    ];
    const clients = targets.map((target) => new TargetClient(target, Math.max(...concurrencies)));
    const order = [...clients, ...[...clients].reverse()];
    const log = (line: string) => process.stderr.write(`${line}\n`);

    for (const client of clients) {
      for (const stream of [true, false]) {
        const sample = await client.request(stream);
        if (!sample.ok) throw new Error(`${client.target.name} did not answer a ${stream ? 'streamed' : 'whole'} request correctly`);
      }
    }
    log('warming up');
    for (const client of clients) {
      for (let index = 0; index < 300; index++) await client.request(index % 2 === 0);
      await client.closedLoop(true, 64, Math.min(durationMs, 1_000), MAX_REQUESTS_PER_BLOCK);
    }
    const idle = { streamgate: memoryOf(streamgate.child.pid!), portkey: memoryOf(portkey.child.pid!) };

    const ttft = new Map<TargetClient, number[]>(clients.map((client) => [client, []]));
    const latency = new Map<TargetClient, number[]>(clients.map((client) => [client, []]));
    const failures = new Map<TargetClient, number>(clients.map((client) => [client, 0]));
    for (let round = 0; round < rounds; round++) {
      log(`latency, round ${round + 1} of ${rounds}`);
      for (const client of order) {
        for (let index = 0; index < samplesPerBlock; index++) {
          const streamed = await client.request(true);
          const whole = await client.request(false);
          if (streamed.ok && streamed.ttftMs !== undefined) ttft.get(client)!.push(streamed.ttftMs);
          if (whole.ok) latency.get(client)!.push(whole.totalMs);
          failures.set(client, failures.get(client)! + (streamed.ok ? 0 : 1) + (whole.ok ? 0 : 1));
        }
      }
    }

    // The process serving each variant, whose CPU time is read around each block (the upstream's own for the direct calls).
    const serverOf = new Map<TargetClient, ServerProcess>(clients.map((client, index) => [client, servers[index]!]));
    const throughput = new Map<TargetClient, Map<number, { completed: number; seconds: number; errors: number; cpuMs: number }>>(clients.map((client) => [client, new Map()]));
    for (const concurrency of concurrencies) {
      for (let round = 0; round < rounds; round++) {
        log(`throughput at concurrency ${concurrency}, round ${round + 1} of ${rounds}`);
        for (const client of order) {
          const pid = serverOf.get(client)!.child.pid!;
          const cpuBefore = cpuTimeOf(pid);
          const result = await client.closedLoop(true, concurrency, durationMs, MAX_REQUESTS_PER_BLOCK);
          const cpuMs = cpuTimeOf(pid) - cpuBefore;
          const total = throughput.get(client)!.get(concurrency) ?? { completed: 0, seconds: 0, errors: 0, cpuMs: 0 };
          throughput.get(client)!.set(concurrency, {
            completed: total.completed + result.completed,
            seconds: total.seconds + result.seconds,
            errors: total.errors + result.errors,
            cpuMs: total.cpuMs + cpuMs,
          });
        }
      }
    }
    const peak = { streamgate: memoryOf(streamgate.child.pid!), portkey: memoryOf(portkey.child.pid!) };
    for (const client of clients) client.close();

    const variants: VariantResult[] = clients.map((client, index) => ({
      name: client.target.name,
      ttft: summarize(ttft.get(client)!),
      latency: summarize(latency.get(client)!),
      failures: failures.get(client)!,
      requestsPerSecond: Object.fromEntries(
        [...throughput.get(client)!.entries()].map(([concurrency, total]) => [
          concurrency,
          { perSecond: total.completed / total.seconds, errors: total.errors, cpuMsPerRequest: total.cpuMs / Math.max(1, total.completed) },
        ]),
      ),
      ...(index === 1 ? { memory: { idleMb: idle.streamgate.rssMb, peakMb: peak.streamgate.peakMb } } : {}),
      ...(index === 2 ? { memory: { idleMb: idle.portkey.rssMb, peakMb: peak.portkey.peakMb } } : {}),
    }));
    const report: Report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      settings: { rounds, samplesPerBlock, durationMs, concurrencies, tokens: Number(values.tokens), logLevel: values['log-level'] },
      variants,
    };
    await stopAll();
    if (values.profile) report.profiles = { streamgate: mainThreadProfile(path.join(profileDirectory, 'streamgate')), portkey: mainThreadProfile(path.join(profileDirectory, 'portkey')) };
    if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${formatReport(report)}\n`);
    if (!values.profile) rmSync(work, { recursive: true, force: true });
    // A failed request is fast: numbers with failures in them measure errors, not the gateways.
    const failed = variants.filter((variant) => failedRequests(variant) > 0);
    if (failed.length > 0) throw new Error(`Requests failed (${failed.map((variant) => `${variant.name}: ${failedRequests(variant)}`).join(', ')}): these numbers do not count.`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

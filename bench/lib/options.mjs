import path from 'node:path';
import { parseArgs } from 'node:util';
import { targets } from '../targets.mjs';
import { root } from './processes.mjs';

const HELP = `Usage: node bench/run.mjs [options]      (npm run bench -- [options] builds the gateway first)
  --quick                     shorter measuring windows, one run per cell (smoke run)
  --only ttft,rps,memory      which benchmarks to run
  --levels 1,100,1000         concurrent streams for the TTFT benchmark
  --transports sse,ws         transports for the TTFT benchmark: sse, ws (one stream per socket),
                              ws-mux (streams multiplexed on shared sockets)
  --mux-streams-per-socket 16 streams per socket for ws-mux (the gateway allows 16 by default)
  --rate 500                  new streams per second the TTFT load aims at, whatever the concurrency
  --tokens 20                 message events per stream (and per POST /v1/chat reply)
  --measure-ms 4000           TTFT measuring window per run of a cell
  --repeats 2                 runs per TTFT cell, in A-B-B-A order of the servers; samples are pooled
  --rps-connections 100       autocannon connections for POST /v1/chat
  --rps-seconds 10            autocannon duration (after a 2 s warm-up)
  --sockets 10000             idle WebSockets for the memory benchmark
  --targets bare,gateway      servers to run (bench/targets.mjs)
  --pin                       pin the server to CPU 0 and the client to CPU 1 (taskset)
  --server-node-options=...   extra node flags for the servers under test (note the =), e.g.
                              --server-node-options=--max-semi-space-size=64
  --quiet-wait-ms 45000       before each run, wait (up to 10 s) for the machine's other load to drop
                              below 30% of a core; this many ms of such waiting in all, 0 to never wait
  --max-other-cpu 50          a run during which other processes used more than this % of a core
  --retries 6                 is run again, this many times in all; cells still above it are marked
  --profile cpu|alloc|live    profile each server over each measuring window: CPU, allocations, or
                              (memory benchmark) what opening the idle sockets left alive; files in
                              bench/results/profiles/<time>/, read with bench/profile-summary.mjs.
                              Profiling slows the servers: use such a run for the profile, not the numbers.
`;

const list = (text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The command line as settings, checked; prints the help and exits on --help. */
export function readOptions(argv = process.argv.slice(2)) {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      only: { type: 'string', default: 'ttft,rps,memory' },
      levels: { type: 'string', default: '1,100,1000' },
      transports: { type: 'string', default: 'sse,ws' },
      'mux-streams-per-socket': { type: 'string', default: '16' },
      rate: { type: 'string', default: '500' },
      tokens: { type: 'string', default: '20' },
      'measure-ms': { type: 'string' },
      repeats: { type: 'string' },
      'rps-connections': { type: 'string', default: '100' },
      'rps-seconds': { type: 'string' },
      sockets: { type: 'string', default: '10000' },
      targets: { type: 'string', default: 'bare,gateway' },
      pin: { type: 'boolean', default: false },
      'server-node-options': { type: 'string', default: '' },
      'quiet-wait-ms': { type: 'string', default: '45000' },
      'max-other-cpu': { type: 'string', default: '50' },
      retries: { type: 'string', default: '6' },
      profile: { type: 'string' },
    },
  });
  if (flags.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const muxStreamsPerSocket = Number(flags['mux-streams-per-socket']);
  const transportNames = { sse: 'SSE', ws: 'WebSocket', 'ws-mux': `WebSocket, ${muxStreamsPerSocket} per socket` };
  const transports = list(flags.transports);
  for (const transport of transports) {
    if (!transportNames[transport]) throw new Error(`Unknown transport "${transport}"; known: ${Object.keys(transportNames).join(', ')}`);
  }
  if (flags.profile !== undefined && !['cpu', 'alloc', 'live'].includes(flags.profile)) throw new Error('--profile takes "cpu", "alloc" or "live"');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDirectory = path.join(root, 'bench', 'results');
  return {
    stamp,
    resultsDirectory,
    only: new Set(list(flags.only)),
    levels: list(flags.levels).map(Number),
    transports,
    transportNames,
    muxStreamsPerSocket,
    targets: list(flags.targets).map((name) => {
      if (!targets[name]) throw new Error(`Unknown target "${name}"; known: ${Object.keys(targets).join(', ')}`);
      return targets[name];
    }),
    rate: Number(flags.rate),
    outputTokens: Number(flags.tokens),
    measureMs: Number(flags['measure-ms'] ?? (flags.quick ? 2500 : 4000)),
    repeats: Number(flags.repeats ?? (flags.quick ? 1 : 2)),
    warmupMs: flags.quick ? 1000 : 1500,
    rpsConnections: Number(flags['rps-connections']),
    rpsSeconds: Number(flags['rps-seconds'] ?? (flags.quick ? 4 : 10)),
    sockets: Number(flags.sockets),
    pin: flags.pin,
    quick: flags.quick,
    serverNodeOptions: list(flags['server-node-options'].replaceAll(' ', ',')),
    quietWaitMs: Number(flags['quiet-wait-ms']),
    maxOtherCpu: Number(flags['max-other-cpu']),
    retries: Number(flags.retries),
    profile: flags.profile,
    profileDirectory: flags.profile ? path.join(resultsDirectory, 'profiles', stamp) : undefined,
  };
}

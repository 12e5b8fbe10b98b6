import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './processes.mjs';
import { formatInteger } from './stats.mjs';
import { busyPercentOfOneCore, readCpuTimes, waitForQuiet } from './system-load.mjs';

export const log = (text) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

/**
 * What every benchmark run shares: starting a server under test with the run's settings, waiting for a
 * lull, reading the server and the machine over a measuring window, re-running disturbed runs.
 */
export function createHarness(options) {
  if (options.profileDirectory) mkdirSync(options.profileDirectory, { recursive: true });
  const windowProfiles = options.profile === 'cpu' || options.profile === 'alloc';
  let quietBudgetMs = options.quietWaitMs;
  let retriesLeft = options.retries;

  /** A fresh server under test, pinned with --pin, with --server-node-options. */
  const startServerUnderTest = (target, env = {}) =>
    startServer(target, { env, cpu: options.pin ? 0 : undefined, nodeOptions: options.serverNodeOptions });

  /** Starts each run in a lull of the other engineers' load, within the run's total waiting budget. */
  async function settle() {
    if (quietBudgetMs <= 0) return;
    const startedAt = Date.now();
    const busy = await waitForQuiet({ maxWaitMs: Math.min(10_000, quietBudgetMs) });
    quietBudgetMs -= Date.now() - startedAt;
    if (busy >= 30) log(`  the machine is busy (${formatInteger(busy)}% of a core used by other processes); running anyway`);
  }

  /** Runs `once()` again while other processes took more than --max-other-cpu in its window, within --retries in all. */
  async function withRetries(once) {
    let run = await once();
    while (run.otherCpuPercent > options.maxOtherCpu && retriesLeft > 0) {
      retriesLeft--;
      log(`  other processes used ${formatInteger(run.otherCpuPercent)}% of a core in that window: running it again (${retriesLeft} retries left)`);
      run = await once();
    }
    return run;
  }

  /**
   * Reads the server's CPU, event-loop delay and GC pauses, and the machine's CPU, at the edges of the
   * client's measuring window (and profiles the window with --profile cpu|alloc). `onProgress` goes to
   * the client; `finish(clientCpuPercent)` gives the window's numbers.
   */
  function measuringWindow(server, name) {
    const pending = [];
    const edges = {};
    const extension = options.profile === 'cpu' ? 'cpuprofile' : 'heapprofile';
    return {
      onProgress(message) {
        if (message.phase === 'measure-start') {
          edges.machineAtStart = readCpuTimes();
          edges.startedAt = performance.now();
          pending.push(server.stats({ gc: false, resetWindow: true }).then((stats) => (edges.atStart = stats)));
          if (windowProfiles) pending.push(server.profile('start', { kind: options.profile }));
        } else if (message.phase === 'measure-end') {
          edges.machineAtEnd = readCpuTimes();
          edges.endedAt = performance.now();
          pending.push(server.stats({ gc: false }).then((stats) => (edges.atEnd = stats)));
          if (windowProfiles) {
            pending.push(server.profile('stop', { file: path.join(options.profileDirectory, `${server.target.name}-${name}.${extension}`) }));
          }
        }
      },
      async finish(clientCpuPercent) {
        await Promise.all(pending);
        const serverCpuMicros = edges.atEnd.cpuMicros - edges.atStart.cpuMicros;
        const windowMs = edges.endedAt - edges.startedAt;
        const serverCpuPercent = (serverCpuMicros / 1000 / windowMs) * 100;
        return {
          windowMs,
          serverCpuMicros,
          serverCpuPercent,
          // Everything busy on the machine in the window, in % of one core, less server and client: the rest.
          otherCpuPercent: busyPercentOfOneCore(edges.machineAtStart, edges.machineAtEnd) - serverCpuPercent - clientCpuPercent,
          serverLoopDelayP99Ms: edges.atEnd.loopDelayP99Ms,
          serverLoopDelayMaxMs: edges.atEnd.loopDelayMaxMs,
          serverGcPauses: edges.atEnd.gcPauses,
        };
      },
    };
  }

  return { options, log, clientCpu: options.pin ? 1 : undefined, startServerUnderTest, settle, withRetries, measuringWindow };
}

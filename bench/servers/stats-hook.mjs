// Preloaded (`node --expose-gc --import ./bench/servers/stats-hook.mjs <server>`) into every server under
// test, so that the harness can read the server's own memory, CPU and event-loop delay over the IPC
// channel without the server's code knowing. The message `{type: "stats"}` answers with the numbers,
// after a full GC (when exposed) unless `gc: false` (for readings taken while load runs); `resetLoop: true`
// starts a new event-loop delay histogram (so a reading covers exactly one measuring window).
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send && process.channel) {
  // Sampled every 5 ms: coarse, but cheap enough not to disturb what it watches. The histogram holds the
  // time between samples, so the delay is that minus the 5 ms period.
  const resolutionMs = 5;
  const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  const lateness = (nanoseconds) => Math.max(0, nanoseconds / 1e6 - resolutionMs);
  loopDelay.enable();
  process.on('message', (message) => {
    if (message?.type !== 'stats') return;
    if (message.gc !== false) globalThis.gc?.();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send({
      type: 'stats',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      cpuMicros: cpu.user + cpu.system,
      loopDelayP99Ms: lateness(loopDelay.percentile(99)),
      loopDelayMaxMs: lateness(loopDelay.max),
    });
    if (message.resetLoop) loopDelay.reset();
  });
  // The channel must not keep a server alive that its own code would let exit; and a server whose
  // harness is gone (killed, crashed) shuts itself down rather than linger.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

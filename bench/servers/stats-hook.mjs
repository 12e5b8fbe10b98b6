// Preloaded (`node --expose-gc --import ./bench/servers/stats-hook.mjs <server>`) into every server under
// test, so that the harness can read the server's own numbers over the IPC channel without the server's
// code knowing:
//   {type: "stats", gc?, resetWindow?}  -> memory, CPU time, event-loop delay and GC pauses. A full GC runs
//       first unless `gc: false` (readings taken while load runs); `resetWindow: true` starts new
//       event-loop and GC tallies after the reading, so that the next reading covers one window.
//   {type: "profile", action: "start", kind: "cpu" | "alloc" | "live"} and {type: "profile", action: "stop", file}
//       -> over exactly the window between the two messages, a V8 CPU profile ("cpu"), an allocation
//       profile that includes the objects already collected ("alloc"), or one of only the objects
//       still alive at the stop, after a full GC ("live": what the window left behind).
//       bench/profile-summary.mjs reads them all.
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

if (process.send && process.channel) {
  // Sampled every 5 ms: coarse, but cheap enough not to disturb what it watches. The histogram holds the
  // time between samples, so the delay is that minus the 5 ms period.
  const resolutionMs = 5;
  const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  const lateness = (nanoseconds) => Math.max(0, nanoseconds / 1e6 - resolutionMs);
  loopDelay.enable();

  let gcPauses = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauses.count++;
      gcPauses.totalMs += entry.duration;
      gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });

  let session;
  let profiling;
  const post = (method, parameters = {}) =>
    new Promise((resolve, reject) => session.post(method, parameters, (error, result) => (error ? reject(error) : resolve(result))));

  async function profile(message) {
    if (message.action === 'start') {
      session ??= new inspector.Session();
      session.connect();
      profiling = message.kind;
      if (profiling === 'alloc' || profiling === 'live') {
        const collected = profiling === 'alloc';
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', {
          samplingInterval: collected ? 8192 : 1024,
          includeObjectsCollectedByMajorGC: collected,
          includeObjectsCollectedByMinorGC: collected,
        });
      } else {
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 500 });
        await post('Profiler.start');
      }
    } else if (profiling) {
      if (profiling === 'live') globalThis.gc?.();
      const { profile: result } = profiling === 'cpu' ? await post('Profiler.stop') : await post('HeapProfiler.stopSampling');
      writeFileSync(message.file, JSON.stringify(result));
      session.disconnect();
      profiling = undefined;
    }
    process.send({ type: 'profile', action: message.action });
  }

  process.on('message', (message) => {
    if (message?.type === 'profile') {
      profile(message).catch((error) => process.send({ type: 'profile', action: message.action, error: String(error) }));
      return;
    }
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
      gcPauses,
    });
    if (message.resetWindow) {
      loopDelay.reset();
      gcPauses = { count: 0, totalMs: 0, maxMs: 0 };
    }
  });
  // The channel must not keep a server alive that its own code would let exit; and a server whose
  // harness is gone (killed, crashed) shuts itself down rather than linger.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The machine's CPU time so far, from /proc/stat (Linux): busy and total, in clock ticks. Undefined
 * where /proc/stat cannot be read, and every reading below is then skipped.
 */
export function readCpuTimes() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

/** CPU busy between two readings, in percent of one core (200 = both cores of a 2-core machine). */
export function busyPercentOfOneCore(before, after) {
  if (!before || !after || after.total === before.total) return Number.NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * os.cpus().length * 100;
}

/**
 * Waits until the rest of the machine is quiet (busy below `thresholdPercent` of one core over a
 * one-second sample), at most `maxWaitMs`. Other engineers build and test on this machine: starting
 * a run in a lull makes its numbers less noisy. Returns the last sample's busy percent.
 */
export async function waitForQuiet({ thresholdPercent = 30, maxWaitMs = 10_000 } = {}) {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const before = readCpuTimes();
    await delay(1000);
    const busy = busyPercentOfOneCore(before, readCpuTimes());
    if (!Number.isFinite(busy) || busy < thresholdPercent || Date.now() >= deadline) return busy;
  }
}

// Resident memory per idle WebSocket at 10,000 connections, gateway against floor.
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startClient } from '../lib/processes.mjs';
import { formatInteger, formatKiB, markdownTable } from '../lib/stats.mjs';
import { API_KEY, targets } from '../targets.mjs';

export async function runMemory(harness) {
  const { options, log } = harness;
  const results = [];
  for (const target of options.targets) {
    log(`idle WebSockets on ${target.name}: ${options.sockets}`);
    await harness.settle();
    // Pings every hour: the measurement is of sockets at rest, not of heartbeat traffic.
    const server = await harness.startServerUnderTest(target, { HEARTBEAT_INTERVAL_MS: '3600000' });
    const client = startClient(
      'idle-sockets.mjs',
      { url: server.url, apiKey: API_KEY, sockets: options.sockets, warmupSockets: 500, batch: 200, timeoutMs: 180_000 },
      { timeoutMs: 200_000, cpu: harness.clientCpu },
    );
    try {
      await client.next('warmed');
      await delay(500);
      const before = await server.stats();
      if (options.profile === 'live') await server.profile('start', { kind: 'live' });
      client.send({ type: 'open' });
      const opened = await client.next('opened');
      await delay(1000);
      if (options.profile === 'live') {
        await server.profile('stop', { file: path.join(options.profileDirectory, `${target.name}-idle-sockets.heapprofile`) });
      }
      const after = await server.stats();
      client.send({ type: 'close' });
      await client.next('closed');
      const cell = {
        target: target.name,
        sockets: opened.connected,
        openErrors: opened.errors,
        openMs: opened.openMs,
        rssBefore: before.rssBytes,
        rssAfter: after.rssBytes,
        heapBefore: before.heapUsedBytes,
        heapAfter: after.heapUsedBytes,
        rssPerSocket: (after.rssBytes - before.rssBytes) / opened.connected,
        heapPerSocket: (after.heapUsedBytes - before.heapUsedBytes) / opened.connected,
      };
      log(`  ${cell.sockets} connected in ${formatInteger(cell.openMs)} ms; RSS ${formatKiB(cell.rssPerSocket)}/socket, heap ${formatKiB(cell.heapPerSocket)}/socket`);
      results.push(cell);
    } finally {
      client.kill();
      await server.stop();
    }
  }
  return results;
}

export function reportMemory(cells) {
  return (
    `### Idle WebSockets (after each got \`connected\`; RSS and heap read after a full GC)\n\n` +
    markdownTable(
      ['server', 'sockets', 'RSS before', 'RSS after', 'RSS per socket', 'heap per socket'],
      cells.map((cell) => [
        targets[cell.target].label,
        formatInteger(cell.sockets),
        `${(cell.rssBefore / 2 ** 20).toFixed(1)} MiB`,
        `${(cell.rssAfter / 2 ** 20).toFixed(1)} MiB`,
        formatKiB(cell.rssPerSocket),
        formatKiB(cell.heapPerSocket),
      ]),
    )
  );
}

/** The target: <= 50 KB of RSS per idle WebSocket. */
export function memoryVerdicts(cells) {
  const gateway = cells.find((cell) => cell.target === 'gateway');
  if (!gateway) return [];
  return [`${gateway.rssPerSocket <= 50 * 1024 ? 'MET  ' : 'MISS '} idle WebSocket: ${formatKiB(gateway.rssPerSocket)} RSS each (<= 50 KiB)`];
}

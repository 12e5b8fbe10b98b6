#!/usr/bin/env node
import { gatewayVersion, parseCommandLine, STREAMGATE_USAGE } from './cli/command-line.js';
import { runKeysCommand, UsageError } from './cli/keys-command.js';
import { ConfigError, loadConfig } from './config.js';
import { buildGateway, type Gateway } from './server.js';
import { StartupError } from './startup-error.js';

/** `streamgate`: reads the environment, listens, and drains on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await buildGateway(config);
  const withheld = gateway.access.developmentKeyWithheld;
  if (withheld) {
    // People follow the Quick start (a development key), then the Keys section (ADMIN_API_KEY, a
    // managed key): the key they were using stops working at this start, and they must be told why.
    process.stdout.write(
      [
        '',
        `StreamGate starts without a development key: ${withheld.join(', ')}.`,
        '  A development key printed by an earlier start no longer works: use a managed key',
        '  (npx streamgate keys create --help), a key from API_KEYS, or a JWT.',
        '',
      ].join('\n') + '\n',
    );
  }

  const address = await listen(gateway, config.host, config.port);
  gateway.app.log.info({ address, models: gateway.registry.ids() }, 'listening');

  if (gateway.developmentKey) {
    // Printed once, to the terminal, never through the logger. The key rides in the URL fragment,
    // which browsers do not send to servers, so it stays out of access logs.
    process.stdout.write(
      [
        '',
        'StreamGate is running with a development key (set API_KEYS to choose your own):',
        `  key:   ${gateway.developmentKey}`,
        `  open:  ${address}/#key=${gateway.developmentKey}`,
        `  try:   curl -N -H 'X-API-Key: ${gateway.developmentKey}' -H 'content-type: application/json' \\`,
        `           -d '{"message":"Hello"}' ${address}/v1/chat/stream`,
        `  docs:  ${address}/docs`,
        '',
      ].join('\n') + '\n',
    );
  }

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      gateway.app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    gateway.app.log.info({ signal }, 'shutting down');
    gateway.shutdown().then(
      ({ lostUsageRecords }) => {
        if (lostUsageRecords === 0) process.exit(0);
        // The last line an operator sees: what could not be kept anywhere (the request log lines still name each one).
        gateway.app.log.fatal({ lostUsageRecords }, `stopped with ${lostUsageRecords} usage records lost: neither the usage store nor any spool file could take them`);
        process.exit(1);
      },
      (error: unknown) => {
        gateway.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Why a port cannot be had, for the errors people meet at start-up. */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (another gateway or program holds the port: stop it, or set PORT to another)',
  EACCES: 'permission denied (ports below 1024 need privileges: set PORT to 1024 or more)',
  EADDRNOTAVAIL: 'HOST is not an address of this machine (0.0.0.0 listens on every interface)',
};

async function listen(gateway: Gateway, host: string, port: number): Promise<string> {
  try {
    return await gateway.app.listen({ host, port });
  } catch (error) {
    const reason = LISTEN_FAILURES[(error as { code?: string }).code ?? ''];
    if (!reason) throw error;
    throw new StartupError(`cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${reason}`, { cause: error });
  }
}

/** `streamgate keys ...`: manage API keys in the configured store, then exit. */
async function keys(argv: string[]): Promise<void> {
  const code = await runKeysCommand(argv, () => loadConfig(), { out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) });
  process.exitCode = code;
}

/** What the command line asks for; help and the version never read the environment or bind a port. */
async function run(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2));
  switch (command.name) {
    case 'help':
      process.stdout.write(STREAMGATE_USAGE);
      return;
    case 'version':
      process.stdout.write(`${gatewayVersion()}\n`);
      return;
    case 'keys':
      return keys(command.arguments);
    case 'serve':
      return main();
  }
}

run().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(64);
  }
  if (error instanceof StartupError) {
    process.stderr.write(`streamgate failed to start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`streamgate failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

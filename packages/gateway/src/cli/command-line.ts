import { readFileSync } from 'node:fs';
import { UsageError } from './keys-command.js';

export const STREAMGATE_USAGE = `Usage: streamgate [command]

Without a command, serves the gateway: every setting comes from the environment (HOST, PORT,
API_KEYS, DATA_DIR, ...; see docs/configuration.md). SIGTERM or SIGINT drains it and stops it.

Commands:
  keys <create|list|rotate|revoke>   manage API keys in the configured key store (streamgate keys --help)
  help, --help, -h                   print this help
  --version, -v                      print the version

Exit codes: 0 stopped cleanly, 1 failed to start or stopped with usage records lost,
64 wrong command line, 78 a bad setting.
`;

export type Command = { name: 'serve' } | { name: 'help' } | { name: 'version' } | { name: 'keys'; arguments: string[] };

/**
 * What the command line asks for. Anything it does not know is a usage error rather than a server
 * started by mistake: `streamgate --help` must never bind a port or print a development key.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) return { name: 'serve' };
  if (first === 'keys') return { name: 'keys', arguments: rest };
  if (first === 'help' || first === '--help' || first === '-h') return { name: 'help' };
  if (first === 'version' || first === '--version' || first === '-v') return { name: 'version' };
  throw new UsageError(`Unknown ${first.startsWith('-') ? 'option' : 'command'} "${first}".\n\n${STREAMGATE_USAGE}`);
}

/** The gateway package's version, from its manifest (dist/cli/ and src/cli/ both sit two levels below it). */
export function gatewayVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

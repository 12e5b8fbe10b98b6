import { existsSync } from 'node:fs';
import path from 'node:path';
import { startGateway, type TestGateway } from '../../../gateway/src/test-support/start-gateway.js';

/** The web app's build, which `npm test` makes first (through `npm run build`). */
export const WEB_APP_BUILD = path.resolve(import.meta.dirname, '../../dist');

/** A real gateway on a loopback port serving the built web app, with the simulator answering. */
export async function startAppGateway(environment: Record<string, string> = {}): Promise<TestGateway> {
  if (!existsSync(path.join(WEB_APP_BUILD, 'index.html'))) {
    throw new Error(`The web app is not built (${WEB_APP_BUILD}): run npm run build first.`);
  }
  return startGateway({ SIMULATOR_TTFT_MS: '40', SIMULATOR_TOKENS_PER_SECOND: '200', LOG_LEVEL: 'warn', ...environment }, { webAppDirectory: WEB_APP_BUILD });
}

// The CDK app: `npm run synth` (writes packages/infra/cdk.out) or `npx cdk deploy --all` from packages/infra.
// Settings: a JSON file named by STREAMGATE_INFRA_CONFIG or context `streamgateConfigFile` (relative to the
// directory npm or npx was started in), or context `streamgate`; see docs/deploy-aws.md.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/build-app.js';
import { InfraConfigError, readInfraConfig } from '../src/config/load-infra-config.js';
import { createStreamGateApp } from '../src/streamgate-app.js';

// Run by hand (not by the CDK CLI, which manages its own output), start from an empty cdk.out so that no
// template of a stack this config no longer has is left beside the new ones.
const outdir = fileURLToPath(new URL('../cdk.out', import.meta.url));
if (!process.env.CDK_OUTDIR) rmSync(outdir, { recursive: true, force: true });
const app = createStreamGateApp({ outdir });
const file = (app.node.tryGetContext('streamgateConfigFile') as string | undefined) ?? process.env.STREAMGATE_INFRA_CONFIG;
try {
  const config = readInfraConfig({
    context: app.node.tryGetContext('streamgate'),
    file: file ? path.resolve(process.env.INIT_CWD ?? process.cwd(), file) : undefined,
  });
  buildApp(app, config);
  app.synth();
} catch (error) {
  // A bad setting is the user's to fix: its message, not a stack trace.
  if (!(error instanceof InfraConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

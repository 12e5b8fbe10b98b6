// The CDK app: `npm run synth` (writes packages/infra/cdk.out) or `npx cdk deploy --all` from packages/infra.
// Settings: context `streamgate` (cdk.json or -c streamgate='{...}') or a JSON file named by
// STREAMGATE_INFRA_CONFIG or context `streamgateConfigFile`; see docs/deploy-aws.md.
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/build-app.js';
import { readInfraConfig } from '../src/config/load-infra-config.js';
import { createStreamGateApp } from '../src/streamgate-app.js';

const app = createStreamGateApp({ outdir: fileURLToPath(new URL('../cdk.out', import.meta.url)) });
const config = readInfraConfig({
  context: app.node.tryGetContext('streamgate'),
  file: app.node.tryGetContext('streamgateConfigFile') ?? process.env.STREAMGATE_INFRA_CONFIG,
});
buildApp(app, config);
app.synth();

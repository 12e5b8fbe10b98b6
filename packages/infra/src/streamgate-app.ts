import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';

/**
 * The feature flags in packages/infra/cdk.json (the ones `cdk init` recommended for aws-cdk-lib 2.276.0),
 * frozen there so a CDK upgrade cannot change resources silently; applied here too so that tests and
 * `npm run synth` build exactly what `cdk deploy` builds.
 */
const FEATURE_FLAGS = (JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

/** Options of {@link createStreamGateApp}. */
export interface StreamGateAppOptions {
  /** Where the cloud assembly goes; the CLI's CDK_OUTDIR wins when set, else a temporary directory. */
  readonly outdir?: string;
  /** CDK's built-in CloudFormation template validation (a WebAssembly linter, ~5 s to start). */
  readonly validateTemplates?: boolean;
  /** Extra context, e.g. `streamgate` settings. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** An `App` with the project's feature flags. */
export function createStreamGateApp(options: StreamGateAppOptions = {}): App {
  return new App({
    outdir: process.env.CDK_OUTDIR ?? options.outdir,
    builtinCloudFormationValidation: options.validateTemplates ?? true,
    // bin/app.ts synthesizes explicitly, and only a valid app: no empty assembly on the way out of a failure.
    autoSynth: false,
    context: { ...FEATURE_FLAGS, ...options.context },
  });
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { infraConfigSchema, type InfraConfig } from './infra-config-schema.js';

/** A config that cannot be deployed; the message lists every bad setting by its path. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}

/**
 * Validates settings from any source, filling in defaults.
 *
 * @example parseInfraConfig({ service: { maxTasks: 10 } }, 'context "streamgate"').service.minTasks // 2
 */
export function parseInfraConfig(input: unknown, source: string): InfraConfig {
  const result = infraConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new InfraConfigError(`Invalid StreamGate infra config (${source}):\n${describeIssues(result.error.issues)}`);
}

/** Where the settings come from: CDK context `streamgate` (an object, or JSON from `-c streamgate=...`), or a JSON file. */
export interface ConfigSources {
  readonly context?: unknown;
  readonly file?: string | undefined;
}

/** Reads and validates the settings; with neither source, every default applies. */
export function readInfraConfig(sources: ConfigSources): InfraConfig {
  if (sources.context !== undefined && sources.file) {
    throw new InfraConfigError(`Give the StreamGate infra config either as context "streamgate" or as a file (${sources.file}), not both`);
  }
  if (sources.file) return parseInfraConfig(readJson(readFileText(sources.file), `file ${sources.file}`), `file ${sources.file}`);
  const context = typeof sources.context === 'string' ? readJson(sources.context, 'context "streamgate"') : sources.context;
  return parseInfraConfig(context, 'context "streamgate"');
}

function readFileText(file: string): string {
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    throw new InfraConfigError(`Cannot read the StreamGate infra config file ${file}: ${(error as Error).message}`);
  }
}

function readJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InfraConfigError(`The StreamGate infra config (${source}) is not valid JSON: ${(error as Error).message}`);
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const setting = issue.path.map(String).join('.') || '(root)';
      const message = issue.code === 'unrecognized_keys' ? `unknown setting(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}` : issue.message;
      return `  - ${setting}: ${message}`;
    })
    .join('\n');
}

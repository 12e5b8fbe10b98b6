import { z } from 'zod';

/** An optional integer variable in `[min, max]`; the error names the variable and the value. */
export const integer = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        context.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

/** A comma-separated list; blanks are ignored. */
export const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/**
 * A comma-separated list of credentials. Set to nothing but commas and blanks (`API_KEYS=",,"`, a
 * template that filled in no key) it is refused: read as no keys at all, it would silently open a
 * deployment to a development key printed into its log.
 */
export const credentialList = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      const items = list.parse(value);
      if (items.length === 0 && value !== undefined && value.trim() !== '') {
        context.addIssue({ code: 'custom', message: `${name} holds no key, only commas and blanks ("${value}"): list the keys separated by commas, or leave ${name} unset` });
        return z.NEVER;
      }
      return items;
    });

/** Every problem with the environment, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';

type Schema = Parameters<typeof validatorCompiler>[0]['schema'];

/**
 * fastify-type-provider-zod's validator, except that a request without a body is validated as
 * `undefined` rather than the `null` Fastify hands over: a route whose body schema is optional
 * (`POST /v1/admin/keys/{id}/rotate`) then takes a request with no body, as its schema says.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<Schema> = (route) => {
  const validate = validatorCompiler(route);
  if (route.httpPart !== 'body') return validate;
  return function validateBody(data: unknown) {
    return validate(data === null ? undefined : data);
  };
};

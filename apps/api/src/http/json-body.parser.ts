import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { findJsonDepthViolation, MAX_JSON_DEPTH, ValidationError } from '@app/core';

/**
 * The JSON body parser of every route: Fastify's own (same prototype-poisoning rules, same empty
 * and malformed body errors), behind a depth check on the raw text. A body nested deeper than
 * MAX_JSON_DEPTH is a 400 naming the top-level field that holds the deep value, before anything
 * (validation, class-transformer, serializer) walks it recursively. Install it with
 * `app.useBodyParser('application/json', …)`, so Nest registers it instead of its default.
 */
export function jsonBodyParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  return (request, body, done) => {
    const text = body.toString('utf8');
    const field = findJsonDepthViolation(text);
    if (field !== null) {
      done(ValidationError.field(field, `is nested deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    parse(request, text, done);
  };
}

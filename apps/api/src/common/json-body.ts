import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/**
 * Bodies are JSON and nothing else: the JSON parser is the API's own, so that a refused body says
 * why (malformed, empty, or carrying a `__proto__` or `constructor.prototype` key, which could
 * otherwise reach an object's prototype), and every other media type, a form-encoded body
 * included, is answered 415.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** Parses a request body as JSON; throws a 400 that names what is wrong with it. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new BadRequestException('Body is empty; it must be JSON');
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const message = (err as Error).message;
    if (/prototype/i.test(message)) {
      throw new BadRequestException(
        'Body contains a __proto__ or constructor.prototype key, which is never accepted',
      );
    }
    throw new BadRequestException(`Body is not valid JSON: ${message}`);
  }
}

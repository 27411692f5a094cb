import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@quire/errors';
import { findHostileString } from './hostile-text';

export interface JsonBodyLimits {
  /** Largest body in bytes (BODY_LIMIT_BYTES); Fastify answers 413 past it while reading. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays (JSON_MAX_DEPTH). */
  maxDepth: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * True when `text` nests objects / arrays deeper than `maxDepth`. One pass over the characters,
 * no recursion: it runs before JSON.parse, so a 60 KB body nested 10,000 deep never reaches the
 * recursive parts (class-transformer, class-validator) that would overflow the stack.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}

function bodyError(message: string, reason: string): DomainError {
  return new DomainError(ErrorCode.BadRequest, message, { in: 'body', reason });
}

/**
 * One JSON body as the edge accepts it: no bytes is no body (`undefined`: a body-less route
 * ignores it, a route that needs one answers its validation 400); otherwise strict UTF-8, at
 * most `maxDepth` deep, parsed without prototype poisoning, and no string (value or key) with
 * NUL or a lone surrogate. Every refusal is a DomainError, so the family's shape.
 */
export function parseJsonBody(raw: Buffer, maxDepth: number, parse: (text: string) => unknown): unknown {
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw bodyError('The body is not valid UTF-8', 'invalid UTF-8');
  }
  if (nestsDeeperThan(text, maxDepth)) throw bodyError(`The body nests deeper than ${maxDepth} levels`, `deeper than ${maxDepth} levels`);
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    throw bodyError('The body is not valid JSON', 'invalid JSON');
  }
  const hostile = findHostileString(value);
  if (hostile) throw DomainError.validation(`${hostile.at}: ${hostile.problem}`, { fields: { [hostile.at]: [hostile.problem] } });
  return value;
}

/**
 * Replaces Fastify's JSON parser (Nest's is turned off: `bodyParser: false`) and its text/plain
 * one, so a JSON route takes JSON only: any other type without a parser of its own (form
 * fields, multipart, raw documents) is Fastify's 415, in the family's shape.
 */
export function registerJsonBody(fastify: FastifyInstance, limits: JsonBodyLimits): void {
  const secureParse = fastify.getDefaultJsonParser('error', 'error');
  const parse = (request: FastifyRequest) => (text: string) => {
    let result: unknown;
    let failure: Error | null = null;
    // Fastify's own parser (secure-json-parse) answers through a callback, synchronously.
    secureParse(request, text, (error, value) => {
      failure = error;
      result = value;
    });
    if (failure) throw failure as Error;
    return result;
  };
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: limits.maxBytes }, (request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer, limits.maxDepth, parse(request)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { textProblem } from '../../http/hostile-text';

/** Small form bodies of the file-upload family's non-upload POSTs, parsed into plain objects. */
export const FORM_FIELDS_TYPE = 'application/x-quire-form-fields';
/** A real `application/x-www-form-urlencoded` body to a single-file POST (the spec's own form). */
export const URLENCODED_FIELDS_TYPE = 'application/x-quire-urlencoded-fields';

class BadFormBody extends Error {
  readonly statusCode = 400;
}

function boundariesOf(contentType: string): string[] {
  return [...contentType.matchAll(/;\s*boundary=("?)([^";]+)\1/gi)].map((match) => match[2]!);
}

/**
 * Parses a multipart body of text fields (already size-limited by BODY_LIMIT_BYTES). Accepts
 * `form-data` and `attachment` dispositions: curl sends the latter when its form has a
 * non-multipart Content-Type. A field given twice becomes a list (which validation refuses); a
 * file part is refused.
 */
export function parseFormFields(body: string, boundary: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  if (sections.length < 2 || !sections.at(-1)!.startsWith('--')) throw new BadFormBody('Malformed multipart body');
  for (const section of sections.slice(1, -1)) {
    const part = section.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new BadFormBody('Malformed multipart body');
    const headers = part.slice(0, split);
    const value = part.slice(split + 4);
    const disposition = /^content-disposition:\s*(?:form-data|attachment)\s*;(.*)$/im.exec(headers)?.[1];
    const name = disposition && /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (!name) throw new BadFormBody('A form part without a field name');
    if (/(?:^|;)\s*filename\*?=/i.test(disposition)) throw new BadFormBody(`"${name}": files are not accepted here`);
    addField(fields, name, value);
  }
  return fields;
}

/** An urlencoded form body (`name=Final.pdf`) as the same plain fields. */
export function parseUrlencodedFields(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  let params: URLSearchParams;
  try {
    // URLSearchParams would turn bad percent-encoding into U+FFFD; check it strictly first.
    for (const part of body.split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    params = new URLSearchParams(body);
  } catch {
    throw new BadFormBody('The form body has invalid percent-encoding or invalid UTF-8');
  }
  for (const [name, value] of params) addField(fields, name, value);
  return fields;
}

function addField(fields: Record<string, string | string[]>, name: string, value: string): void {
  if (!name) throw new BadFormBody('A form field without a name');
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') throw new BadFormBody('Invalid field name');
  const problem = textProblem(name) ?? textProblem(value);
  if (problem) throw new BadFormBody(`"${name.replace(/\u0000/g, '')}" ${problem}`);
  const existing = fields[name];
  fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
}

const SINGLE_FILE_PATH = /^\/api_v3\/files\/[^/?]+(\/[^/?]+)?(\?|$)/;

/**
 * Content-type fixes for the spec's own curl examples, limited to the file-upload mount:
 * - `-H 'content-type: multipart/form-data; boundary=X' -F ...` makes curl append its own
 *   boundary: the body uses the last one.
 * - the rename example sends a multipart body labelled `application/x-www-form-urlencoded;
 *   boundary=X`; multipart or disguised multipart to a single-file POST is parsed as text fields.
 */
@Injectable()
export class FileUploadFormFields implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser(FORM_FIELDS_TYPE, { parseAs: 'string' }, (request, body, done) => {
      try {
        const boundary = boundariesOf(String(request.headers['content-type'])).at(-1) ?? '';
        done(null, parseFormFields(body as string, boundary));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    fastify.addContentTypeParser(URLENCODED_FIELDS_TYPE, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseUrlencodedFields(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    // Callback style, and out of the way at once for every other route: it runs on all requests.
    fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (request.url.startsWith('/api_v3/files')) normaliseFilesContentType(request);
      done();
    });
  }
}

/** The content-type fixes described on FileUploadFormFields, for one file-upload request. */
function normaliseFilesContentType(request: FastifyRequest): void {
  const contentType = request.headers['content-type'];
  if (!contentType) return;
  const boundaries = boundariesOf(contentType);
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (!boundaries.length) {
    if (media === 'application/x-www-form-urlencoded' && request.method === 'POST' && SINGLE_FILE_PATH.test(request.url)) {
      request.raw.headers['content-type'] = URLENCODED_FIELDS_TYPE;
    }
    return;
  }
  const boundary = boundaries.at(-1)!;
  if (request.method === 'POST' && SINGLE_FILE_PATH.test(request.url)) {
    if (media === 'multipart/form-data' || media === 'application/x-www-form-urlencoded') {
      request.raw.headers['content-type'] = `${FORM_FIELDS_TYPE}; boundary=${boundary}`;
    }
    return;
  }
  if (media === 'multipart/form-data' && boundaries.length > 1) {
    request.raw.headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  }
}

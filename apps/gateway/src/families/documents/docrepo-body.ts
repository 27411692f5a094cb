import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { validationError } from '@quire/platform';

/** An optional JSON body (`PUT …/users/{email}` with or without `{role}`), validated as the pipe would. */
export function optionalBody<T extends object>(type: new () => T, body: unknown): T {
  const value = plainToInstance(type, body === undefined || body === null || body === '' ? {} : body);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors);
  return value;
}

const PROJECTS_PREFIX = '/api/v1/projects';

/**
 * The spec: "For PUT requests with no body attribute, be sure to set the Content-Length header to
 * zero". curl often adds `Content-Type: application/json` to such a request, which Fastify refuses
 * as an empty JSON body; for the projects routes an empty body is simply no body.
 */
@Injectable()
export class EmptyBodyAsNoBody implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (request.headers['content-length'] === '0' && request.url.startsWith(PROJECTS_PREFIX)) delete request.headers['content-type'];
      done();
    });
  }
}

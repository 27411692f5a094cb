import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { IS_PUBLIC } from '@quire/platform';
import { familyOf } from '../families/families';
import { extractCredential } from './credentials';
import { PrincipalResolver } from './principal.resolver';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Every route needs a principal unless it is marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = extractCredential(familyOf(request.url), request.headers);
    if (!credential) throw DomainError.unauthenticated();
    request.principal = await this.resolver.resolve(credential);
    return true;
  }
}

/** The authenticated caller of an HTTP route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw DomainError.unauthenticated();
  return principal;
});

/** The request id Fastify assigned (taken from `x-request-id` when the caller sent a sane one). */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<FastifyRequest>().id,
);

import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { isEditSessionPrincipal } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { IS_PUBLIC } from '@quire/platform';
import { familyOf } from '../families/families';
import { extractCredential } from './credentials';
import { PrincipalResolver } from './principal.resolver';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

const ACCEPTS_EDIT_SESSION_TOKEN = 'quire:acceptsEditSessionToken';

/**
 * The routes where the Word agent's edit-session token is a credential (its upload). Everywhere
 * else such a token is refused, so a token leaked from a PC cannot read or start anything.
 */
export const AcceptsEditSessionToken = (): MethodDecorator & ClassDecorator => SetMetadata(ACCEPTS_EDIT_SESSION_TOKEN, true);

/** Every route needs a principal unless it is marked @Public(); edit-session tokens only where accepted. */
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
    const principal = await this.resolver.resolve(credential);
    const targets = [context.getHandler(), context.getClass()];
    if (isEditSessionPrincipal(principal) && !this.reflector.getAllAndOverride<boolean>(ACCEPTS_EDIT_SESSION_TOKEN, targets)) {
      throw DomainError.forbidden('An edit-session token can only upload files', {
        reason: 'edit-session tokens are for POST /api-v3/report/external-edit/agent/{edit_id} only',
      });
    }
    request.principal = principal;
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

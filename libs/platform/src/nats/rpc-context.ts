import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { Principal, RpcHeaders } from '@quire/contracts';
import { DomainError } from '@quire/errors';

function header(context: ExecutionContext, name: string): string | undefined {
  const nats = context.switchToRpc().getContext<NatsContext>();
  return nats.getHeaders()?.get(name) || undefined;
}

export function principalFrom(context: ExecutionContext): Principal | undefined {
  const raw = header(context, RpcHeaders.principal);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Principal;
  } catch {
    return undefined;
  }
}

export function requestIdFrom(context: ExecutionContext): string | undefined {
  return header(context, RpcHeaders.requestId);
}

/** The caller's principal, as the gateway resolved it; a handler using it requires one. */
export const RpcPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = principalFrom(context);
  if (!principal) throw DomainError.unauthenticated();
  return principal;
});

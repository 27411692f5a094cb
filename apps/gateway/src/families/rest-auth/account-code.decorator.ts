import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DomainError } from '@quire/errors';

const ACCOUNT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * `X-AccountCode` on a public route: which account the sign-in form is about. Absent: identity's
 * default account. Malformed: 400 naming the header.
 */
export const AccountCode = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const raw = context.switchToHttp().getRequest<FastifyRequest>().headers['x-accountcode'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (!ACCOUNT_CODE.test(value)) throw DomainError.validation('X-AccountCode is not a valid account code', { fields: { 'X-AccountCode': ['invalid'] } });
  return value;
});

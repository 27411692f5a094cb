import { ErrorCode, isErrorCode } from './error-codes';

export type ErrorDetails = Record<string, unknown>;

/** The payload a domain error travels as over NATS. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/**
 * The one error type services throw. It never carries HTTP knowledge: the gateway maps the code
 * to each API family's status and body.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  static notFound(what: string, details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`, details);
  }

  static forbidden(message = 'Forbidden', details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.Forbidden, message, details);
  }

  static unauthenticated(message = 'Authentication required'): DomainError {
    return new DomainError(ErrorCode.Unauthenticated, message);
  }

  static validation(message: string, details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, message, details);
  }

  static conflict(message: string, details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.Conflict, message, details);
  }

  toRpc(): RpcErrorPayload {
    return { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuilds a DomainError from whatever came back over NATS; unknown shapes become Internal. */
  static fromRpc(payload: unknown): DomainError {
    if (payload && typeof payload === 'object') {
      const { code, message, details } = payload as Partial<RpcErrorPayload>;
      if (isErrorCode(code)) {
        return new DomainError(
          code,
          typeof message === 'string' ? message : code,
          details && typeof details === 'object' ? details : {},
        );
      }
    }
    return new DomainError(ErrorCode.Internal, 'Internal server error');
  }
}

/** Any thrown value as a DomainError; internals of unknown errors are not exposed. */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new DomainError(ErrorCode.Internal, 'Internal server error');
}

import { DomainError } from '../domain-error';
import { ErrorCode } from '../error-codes';
import { ApiFamily } from './http-error';
import { mapHttpError } from './mappers';

const families: ApiFamily[] = ['word-edit', 'file-upload', 'documents', 'viewing', 'rest-auth'];

describe('HTTP error mappers', () => {
  it('maps every code of every family to a status (no code falls through to a default)', () => {
    for (const family of families) {
      for (const code of Object.values(ErrorCode)) {
        const { status } = mapHttpError(family, new DomainError(code, 'x'));
        expect(status).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('writes each family in its own wire shape', () => {
    const error = DomainError.conflict('Active session exists', { reason: 'session 12 is active' });
    expect(mapHttpError('word-edit', error)).toEqual({
      status: 409,
      body: { code: 409, message: 'Active session exists', details: 'session 12 is active' },
      headers: undefined,
    });
    expect(mapHttpError('file-upload', error).body).toEqual({ error: { code: 'CONFLICT', message: 'Active session exists' } });
    expect(mapHttpError('documents', error).body).toEqual({
      code: 'CONFLICT',
      message: 'Active session exists',
      details: { reason: 'session 12 is active' },
    });
    expect(mapHttpError('rest-auth', error).body).toEqual([{ code: 'CONFLICT', message: 'Active session exists' }]);
  });

  it("answers rest-auth errors with OpenSpecimen's code when the service names one, the status still from the stable code", () => {
    const missing = mapHttpError('rest-auth', DomainError.notFound('User', { restAuthCode: 'USER_NOT_FOUND' }));
    expect(missing).toMatchObject({ status: 404, body: [{ code: 'USER_NOT_FOUND', message: 'User not found' }] });
    expect(mapHttpError('rest-auth', DomainError.forbidden('No', { restAuthCode: '' })).body).toEqual([{ code: 'FORBIDDEN', message: 'No' }]);
  });

  it('answers viewing input errors with 480 and PrizmDoc error codes', () => {
    const invalid = mapHttpError('viewing', DomainError.validation('bad', { in: 'body', at: 'source.fileName' }));
    expect(invalid).toMatchObject({ status: 480, body: { errorCode: 'InvalidInput', in: 'body', at: 'source.fileName' } });
    expect(mapHttpError('viewing', DomainError.notFound('Document')).body).toMatchObject({ errorCode: 'DocumentNotFound' });
    expect(mapHttpError('viewing', DomainError.forbidden()).status).toBe(403);
  });

  it('names the first failing field of a viewing validation error, and a specific errorCode from details', () => {
    const failed = mapHttpError('viewing', DomainError.validation('x', { fields: { 'source.url': ['url is not allowed'], 'source.type': ['bad'] } }));
    expect(failed).toEqual({
      status: 480,
      body: { errorCode: 'InvalidInput', in: 'body', at: 'source.url', errorDetails: { in: 'body', at: 'source.url', message: 'x' } },
      headers: undefined,
    });
    const named = mapHttpError('viewing', new DomainError(ErrorCode.BadRequest, 'y', { errorCode: 'CannotChangeDocument', retryAfterSeconds: 2 }));
    expect(named).toMatchObject({ status: 480, body: { errorCode: 'CannotChangeDocument', errorDetails: { message: 'y' } }, headers: { 'Retry-After': '2' } });
  });

  it('adds Retry-After to rate-limit errors', () => {
    const limited = new DomainError(ErrorCode.RateLimited, 'Too many requests', { retryAfterSeconds: 12.2 });
    for (const family of families) {
      expect(mapHttpError(family, limited)).toMatchObject({ status: 429, headers: { 'Retry-After': '13' } });
    }
  });
});

describe('DomainError over NATS', () => {
  it('keeps code, message and details through a JSON round trip', () => {
    const original = DomainError.notFound('Report', { id: 7 });
    const back = DomainError.fromRpc(JSON.parse(JSON.stringify(original.toRpc())));
    expect(back).toBeInstanceOf(DomainError);
    expect([back.code, back.message, back.details]).toEqual([ErrorCode.NotFound, 'Report not found', { id: 7 }]);
  });

  it('turns anything else into INTERNAL without leaking it', () => {
    const back = DomainError.fromRpc({ status: 'error', message: 'relation "x" does not exist' });
    expect([back.code, back.message]).toEqual([ErrorCode.Internal, 'Internal server error']);
  });
});

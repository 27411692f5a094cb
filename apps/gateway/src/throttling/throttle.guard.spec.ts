import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { MemoryThrottlerStorage } from './throttler-storage';
import { DomainError, ErrorCode } from '@quire/errors';
import { QuireThrottlerGuard } from './throttle.guard';

class SomeController {
  handler(): void {}
}

/** The guard with its real in-memory storage and `limit` requests per minute. */
async function guardWithLimit(limit: number): Promise<{ guard: QuireThrottlerGuard; storage: MemoryThrottlerStorage }> {
  const storage = new MemoryThrottlerStorage();
  const guard = new QuireThrottlerGuard({ throttlers: [{ name: 'default', ttl: 60_000, limit }] }, storage, new Reflector());
  await guard.onModuleInit();
  return { guard, storage };
}

function httpContext(request: Record<string, unknown>): ExecutionContext {
  const reply = { header: () => reply };
  const context = new ExecutionContextHost([{ headers: {}, url: '/api/v1/x', ...request }, reply], SomeController, SomeController.prototype.handler);
  context.setType('http');
  return context;
}

async function outcome(guard: QuireThrottlerGuard, request: Record<string, unknown>): Promise<string> {
  try {
    return String(await guard.canActivate(httpContext(request)));
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other error';
  }
}

describe('QuireThrottlerGuard', () => {
  let storage: MemoryThrottlerStorage;

  afterEach(() => storage?.onApplicationShutdown());

  it('counts unauthenticated requests per address', async () => {
    const built = await guardWithLimit(2);
    storage = built.storage;
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push(await outcome(built.guard, { ip: '10.0.0.1' }));
    results.push(await outcome(built.guard, { ip: '10.0.0.2' }));
    expect(results).toEqual(['true', 'true', ErrorCode.RateLimited, 'true']);
  });

  it('counts per principal whatever the address', async () => {
    const built = await guardWithLimit(2);
    storage = built.storage;
    const alice = { userId: 'alice', accountId: 'a', roles: [], scopes: [] };
    const results = [];
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) results.push(await outcome(built.guard, { ip, principal: alice }));
    results.push(await outcome(built.guard, { ip: '10.0.0.3', principal: { ...alice, userId: 'bob' } }));
    expect(results).toEqual(['true', 'true', ErrorCode.RateLimited, 'true']);
  });

  it('counts an API token against its own limit, under its own key', async () => {
    const built = await guardWithLimit(5);
    storage = built.storage;
    const viaToken = (tokenId: string, rateLimitPerMinute: number) => ({
      ip: '10.0.0.1',
      principal: { userId: 'carol', accountId: 'a', roles: [], scopes: [`api_token:${tokenId}`], rateLimitPerMinute },
    });
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push(await outcome(built.guard, viaToken('t1', 2)));
    // Another token of the same user has its own counter; a token limit above the route's does not lift it.
    for (let i = 0; i < 6; i += 1) results.push(await outcome(built.guard, viaToken('t2', 1000)));
    expect(results).toEqual(['true', 'true', ErrorCode.RateLimited, 'true', 'true', 'true', 'true', 'true', ErrorCode.RateLimited]);
  });

  it('says when to retry, in seconds', async () => {
    const built = await guardWithLimit(1);
    storage = built.storage;
    await built.guard.canActivate(httpContext({ ip: '10.0.0.9' }));
    const error = await built.guard.canActivate(httpContext({ ip: '10.0.0.9' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details).toEqual({ retryAfterSeconds: 60, limit: 1 });
  });

  it('never limits health probes, metrics or WebSocket messages', async () => {
    const built = await guardWithLimit(1);
    storage = built.storage;
    const results = [];
    for (const url of ['/health/ready', '/health/ready', '/metrics', '/metrics']) results.push(await outcome(built.guard, { ip: '10.0.0.1', url }));
    expect(results).toEqual(['true', 'true', 'true', 'true']);
    const ws = new ExecutionContextHost([{}, {}], SomeController, SomeController.prototype.handler);
    ws.setType('ws');
    expect(await built.guard.canActivate(ws)).toBe(true);
    expect(await built.guard.canActivate(ws)).toBe(true);
  });
});

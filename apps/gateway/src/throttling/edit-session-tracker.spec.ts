import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { MemoryThrottlerStorage } from './throttler-storage';
import { editSessionScope } from '@quire/auth';
import { DomainError } from '@quire/errors';
import { QuireThrottlerGuard } from './throttle.guard';

class AgentController {
  upload(): void {}
}

function httpContext(principal: unknown): ExecutionContext {
  const reply = { header: () => reply };
  const request = { headers: {}, url: '/api-v3/report/external-edit/agent/1', ip: '10.0.0.1', principal };
  const context = new ExecutionContextHost([request, reply], AgentController, AgentController.prototype.upload);
  context.setType('http');
  return context;
}

describe('QuireThrottlerGuard and edit-session tokens', () => {
  let storage: MemoryThrottlerStorage;

  afterEach(() => storage?.onApplicationShutdown());

  it('counts the Word agent per edit session, not per user', async () => {
    storage = new MemoryThrottlerStorage();
    const guard = new QuireThrottlerGuard({ throttlers: [{ name: 'default', ttl: 60_000, limit: 1 }] }, storage, new Reflector());
    await guard.onModuleInit();
    const agent = (session: string) => ({ userId: 'alice', accountId: 'a', roles: [], scopes: [editSessionScope(session, `jti-${session}`)] });
    const outcome = (principal: unknown) =>
      guard.canActivate(httpContext(principal)).then(
        () => 'ok',
        (error: unknown) => (error instanceof DomainError ? error.code : 'other'),
      );

    expect(await outcome(agent('1'))).toBe('ok');
    expect(await outcome(agent('1'))).toBe('RATE_LIMITED');
    // Same user, another session: its own budget. The user's own (login) budget is separate too.
    expect(await outcome(agent('2'))).toBe('ok');
    expect(await outcome({ userId: 'alice', accountId: 'a', roles: [], scopes: [] })).toBe('ok');
  });
});

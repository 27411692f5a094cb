import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IsString, MaxLength } from 'class-validator';
import { IdentityEvents, UserDisabledEvent } from '@quire/contracts';
import { Outbox } from '@quire/platform';
import { RevokeUserSessionsUseCase } from './revoke-user-sessions.use-case';

/** identity's `user_disabled` as it arrives (validated like any message). */
export class UserDisabledMessage implements UserDisabledEvent {
  @IsString()
  @MaxLength(200)
  accountId: string;

  @IsString()
  @MaxLength(200)
  userId: string;

  @IsString()
  @MaxLength(40)
  status: string;
}

/**
 * Identity's events that concern edit sessions. Delivered to one replica (the service's queue
 * group); the update is idempotent, so a redelivery ends nothing twice.
 */
@Controller()
export class IdentityEventsController {
  private readonly logger = new Logger(IdentityEventsController.name);

  constructor(
    private readonly revokeUserSessions: RevokeUserSessionsUseCase,
    private readonly outbox: Outbox,
  ) {}

  @EventPattern(IdentityEvents.userDisabled)
  async userDisabled(@Payload() event: UserDisabledMessage): Promise<void> {
    // The event carries the account it concerns: identity is its authority.
    const ended = await this.revokeUserSessions.execute({ scope: { accountId: event.accountId }, userId: event.userId });
    if (!ended) return;
    await this.outbox.flush();
    this.logger.log({ userId: event.userId, ended }, 'Ended the edit sessions of a user who lost access');
  }
}

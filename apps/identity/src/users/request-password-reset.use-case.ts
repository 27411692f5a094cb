import { Injectable } from '@nestjs/common';
import { hashSecret, newSecret } from '@quire/auth';
import { IdentityEvents, MailRequestedEvent } from '@quire/contracts';
import { Outbox, Transactional } from '@quire/platform';
import { IdentityEnv } from '../identity.env';
import { UserWithRoles } from './users.repository';
import { PasswordResetsRepository } from './password-resets.repository';

/** A single-use, expiring reset token (stored hashed) and the mail that carries it, together. */
@Injectable()
export class RequestPasswordResetUseCase {
  constructor(
    private readonly resets: PasswordResetsRepository,
    private readonly outbox: Outbox,
    private readonly env: IdentityEnv,
  ) {}

  @Transactional()
  async execute({ user }: { user: UserWithRoles }): Promise<void> {
    const token = newSecret();
    await this.resets.issue(user, user.id, hashSecret(token), this.env.IDENTITY_RESET_TOKEN_TTL_SECONDS);
    const mail: MailRequestedEvent = {
      accountId: user.accountId,
      template: 'reset-password',
      to: user.email,
      loginName: user.loginName,
      values: {
        resetToken: token,
        resetLink: `${this.env.IDENTITY_RESET_PASSWORD_URL}${encodeURIComponent(token)}`,
        expiresInMinutes: String(Math.round(this.env.IDENTITY_RESET_TOKEN_TTL_SECONDS / 60)),
      },
    };
    await this.outbox.record(IdentityEvents.mailRequested, mail);
  }
}

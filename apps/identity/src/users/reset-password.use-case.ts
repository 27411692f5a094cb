import { Injectable } from '@nestjs/common';
import { hashSecret } from '@quire/auth';
import { ResetPasswordRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountScope, Transactional } from '@quire/platform';
import { LoginLockout } from '../sessions/login-lockout';
import { SessionRevocations } from '../sessions/session-revocations';
import { PasswordResetsRepository } from './password-resets.repository';
import { UsersRepository } from './users.repository';

export function invalidResetToken(): DomainError {
  return DomainError.validation('Invalid or expired reset token', { fields: { resetPasswordToken: ['invalid or expired'] } });
}

export interface ResetPasswordCommand {
  scope: AccountScope;
  request: ResetPasswordRequest;
  passwordHash: string;
}

/**
 * Sets a new password with a reset token: the token is used up, the user's other reset tokens
 * die, a temporary lockout ends, and existing login sessions are revoked.
 */
@Injectable()
export class ResetPasswordUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly resets: PasswordResetsRepository,
    private readonly lockout: LoginLockout,
    private readonly revocations: SessionRevocations,
  ) {}

  @Transactional()
  async execute({ scope, request, passwordHash }: ResetPasswordCommand): Promise<void> {
    const user = await this.users.byLoginName(scope, request.loginName, true);
    const used = user ? await this.resets.consume(scope, user.id, hashSecret(request.resetPasswordToken)) : false;
    if (!user || !used || user.status !== 'active') throw invalidResetToken();
    await this.resets.expireAllOf(scope, user.id);
    await this.users.setPasswordHash(scope, user.id, passwordHash);
    await this.lockout.clear(scope, user.id);
    await this.revocations.revokeAllOf(scope, user.id);
  }
}

import { Injectable } from '@nestjs/common';
import { hashPassword } from '@quire/auth';
import { ForgotPasswordRequest, ResetPasswordRequest, SignUpRequest, UserStatusReply } from '@quire/contracts';
import { Outbox } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { requirePasswordPolicy } from './password-policy';
import { RequestPasswordResetUseCase } from './request-password-reset.use-case';
import { invalidResetToken, ResetPasswordUseCase } from './reset-password.use-case';
import { SignUpUseCase } from './sign-up.use-case';
import { UsersRepository } from './users.repository';

/** The same answer whether or not the login name exists. */
const FORGOT_PASSWORD_REPLY = { status: 'success', message: 'If the login name exists, a reset link has been sent to its email address' } as const;

/** The public user routes: sign-up, forgot-password, reset-password. */
@Injectable()
export class SelfServiceService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly signUpUser: SignUpUseCase,
    private readonly requestPasswordReset: RequestPasswordResetUseCase,
    private readonly resetUserPassword: ResetPasswordUseCase,
    private readonly outbox: Outbox,
  ) {}

  async signUp(request: SignUpRequest): Promise<UserStatusReply> {
    requirePasswordPolicy(request.password);
    // Hashed before the transaction: scrypt is slow and holds no lock.
    const passwordHash = await hashPassword(request.password);
    return { id: await this.signUpUser.execute({ request, passwordHash }), status: 'pending' };
  }

  /** Mails a reset token to an active user; the same answer always. */
  async forgotPassword(request: ForgotPasswordRequest): Promise<typeof FORGOT_PASSWORD_REPLY> {
    const account = await this.accounts.forPublicCall(request.accountCode);
    const user = account ? await this.users.byLoginName({ accountId: account.id }, request.loginName) : null;
    if (!user || user.status !== 'active') return FORGOT_PASSWORD_REPLY;
    await this.requestPasswordReset.execute({ user });
    await this.outbox.flush();
    return FORGOT_PASSWORD_REPLY;
  }

  async resetPassword(request: ResetPasswordRequest): Promise<{ status: 'success' }> {
    requirePasswordPolicy(request.password);
    const account = await this.accounts.forPublicCall(request.accountCode);
    if (!account) throw invalidResetToken();
    // Hashed before the transaction: scrypt is slow and holds no lock.
    const passwordHash = await hashPassword(request.password);
    await this.resetUserPassword.execute({ scope: { accountId: account.id }, request, passwordHash });
    await this.outbox.flush();
    return { status: 'success' };
  }
}

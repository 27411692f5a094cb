import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hashPassword, hashSecret, newSecret, passwordProblem, Roles } from '@quire/auth';
import {
  ForgotPasswordRequest,
  IdentityEvents,
  MailRequestedEvent,
  ResetPasswordRequest,
  SignUpRequest,
  UserStatusReply,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { modifiedRows, Outbox } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { Institute } from '../directory/directory.entities';
import { IdentityEnv } from '../identity.env';
import { clearLoginFailures } from '../sessions/login-lockout';
import { conflictFor, revokeSessionsOf } from './users.service';
import { uniqueViolation, UsersRepository } from './users.repository';

/** The same answer whether or not the login name exists. */
const FORGOT_PASSWORD_REPLY = { status: 'success', message: 'If the login name exists, a reset link has been sent to its email address' } as const;

function invalidResetToken(): DomainError {
  return DomainError.validation('Invalid or expired reset token', { fields: { resetPasswordToken: ['invalid or expired'] } });
}

function requirePolicy(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw DomainError.validation(problem, { fields: { password: [problem] } });
}

/** The public user routes: sign-up, forgot-password, reset-password. */
@Injectable()
export class SelfServiceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
    private readonly env: IdentityEnv,
  ) {}

  /** A pending user; an admin approves (status active) or rejects (status disabled). */
  async signUp(request: SignUpRequest): Promise<UserStatusReply> {
    requirePolicy(request.password);
    const account = await this.accounts.requirePublic(request.accountCode);
    const domain = await this.accounts.domain(account.id);
    if (!domain) throw DomainError.notFound('Authentication domain');
    const institute = request.instituteName
      ? await this.dataSource.getRepository(Institute).findOneBy({ accountId: account.id, name: request.instituteName })
      : null;
    if (request.instituteName && !institute) throw DomainError.validation('Unknown institute', { fields: { instituteName: ['unknown'] } });
    const passwordHash = await hashPassword(request.password);
    const id = await this.dataSource
      .transaction((manager) =>
        this.users.insert(
          manager,
          {
            accountId: account.id,
            domainId: domain.id,
            loginName: request.loginName,
            email: request.emailAddress,
            firstName: request.firstName,
            lastName: request.lastName,
            status: 'pending',
            passwordHash,
            instituteId: institute?.id ?? null,
            departmentName: request.deptName ?? null,
          },
          [Roles.User],
        ),
      )
      .catch((error: unknown) => {
        const constraint = uniqueViolation(error);
        throw constraint ? conflictFor(constraint) : error;
      });
    return { id, status: 'pending' };
  }

  /** Mails a single-use, expiring reset token (stored hashed) to an active user; same answer always. */
  async forgotPassword(request: ForgotPasswordRequest): Promise<typeof FORGOT_PASSWORD_REPLY> {
    const account = await this.accounts.forPublicCall(request.accountCode);
    const user = account ? await this.users.byLoginName(account.id, request.loginName) : null;
    if (!user || user.status !== 'active') return FORGOT_PASSWORD_REPLY;
    const token = newSecret();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO "identity"."password_reset_tokens" ("account_id", "user_id", "token_hash", "expires_at")
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
        [user.accountId, user.id, hashSecret(token), this.env.IDENTITY_RESET_TOKEN_TTL_SECONDS],
      );
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
      await this.outbox.add(manager, IdentityEvents.mailRequested, mail);
    });
    await this.outbox.flush();
    return FORGOT_PASSWORD_REPLY;
  }

  /**
   * Sets a new password with a reset token: the token is used up, the user's other reset tokens
   * die, a temporary lockout ends, and existing login sessions are revoked.
   */
  async resetPassword(request: ResetPasswordRequest): Promise<{ status: 'success' }> {
    requirePolicy(request.password);
    const account = await this.accounts.forPublicCall(request.accountCode);
    if (!account) throw invalidResetToken();
    const passwordHash = await hashPassword(request.password);
    await this.dataSource.transaction(async (manager) => {
      const user = await this.users.byLoginName(account.id, request.loginName, manager, true);
      const used: Array<{ id: string }> = user
        ? await modifiedRows(manager, `UPDATE "identity"."password_reset_tokens" SET "used_at" = now()
             WHERE "account_id" = $1 AND "user_id" = $2 AND "token_hash" = $3 AND "used_at" IS NULL AND "expires_at" > now()
             RETURNING "id"`,
            [account.id, user.id, hashSecret(request.resetPasswordToken)],
          )
        : [];
      if (!user || !used.length || user.status !== 'active') throw invalidResetToken();
      await manager.query(
        `UPDATE "identity"."password_reset_tokens" SET "used_at" = now() WHERE "account_id" = $1 AND "user_id" = $2 AND "used_at" IS NULL`,
        [account.id, user.id],
      );
      await manager.query(
        `UPDATE "identity"."users" SET "password_hash" = $3, "updated_at" = now() WHERE "account_id" = $1 AND "id" = $2`,
        [account.id, user.id, passwordHash],
      );
      await clearLoginFailures(manager, account.id, user.id);
      await revokeSessionsOf(manager, this.outbox, account.id, user.id);
    });
    await this.outbox.flush();
    return { status: 'success' };
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal, Subjects, UserView } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { TeamDirectory } from './project-access';

/** Identity answers from memory and one index read: a slow answer means identity is in trouble. */
export const IDENTITY_TIMEOUT_MS = 3000;

/**
 * Users and teams live in identity; this service asks it over NATS (no read model: membership
 * changes take effect at once, and identity offers exactly these calls — ADR 010).
 */
@Injectable()
export class IdentityDirectory extends TeamDirectory {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  /** Of `teamIds`, those the principal belongs to: one call per team (only teams that would raise a role are asked about). */
  async teamsOf(principal: Principal, teamIds: string[]): Promise<string[]> {
    const answers = await Promise.all(
      teamIds.map(async (teamId) => {
        // A caller identity will not show the directory to counts as in no team (less access, never more).
        const members = await this.teamMembers(principal, teamId).catch((error: unknown) => {
          if (error instanceof DomainError && error.code === ErrorCode.Forbidden) return undefined;
          throw error;
        });
        return members?.some((user) => user.id === principal.userId) ? teamId : undefined;
      }),
    );
    return answers.filter((id): id is string => id !== undefined);
  }

  /** The team's members, or undefined when identity has no such team in the account. */
  async teamMembers(principal: Principal, teamId: string): Promise<UserView[] | undefined> {
    try {
      return await this.rpc.request<UserView[]>(Subjects.Identity.listTeamMembers, { teamId }, this.context(principal));
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  /** The account's user with this email, or undefined. */
  async userByEmail(principal: Principal, email: string): Promise<UserView | undefined> {
    try {
      return await this.rpc.request<UserView>(Subjects.Identity.getUserByEmail, { email }, this.context(principal));
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  private context(principal: Principal) {
    return { requestId: randomUUID(), principal, timeoutMs: IDENTITY_TIMEOUT_MS };
  }
}

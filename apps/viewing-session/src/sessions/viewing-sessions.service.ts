import { Injectable } from '@nestjs/common';
import { Principal } from '@quire/contracts';
import { ObjectStorage, TransactionHost } from '@quire/platform';
import { ViewingSessionsRepository } from './viewing-sessions.repository';
import { documentNotFound } from './viewing-errors';

/** Single-step session writes: revoke (DELETE) and the expiry sweep. */
@Injectable()
export class ViewingSessionsService {
  constructor(
    private readonly sessions: ViewingSessionsRepository,
    private readonly storage: ObjectStorage,
    private readonly db: TransactionHost,
  ) {}

  /** `DELETE /pas/ViewingSession/u{id}`: the id stops working at once; its own files go after. */
  async delete(principal: Principal, id: string): Promise<Record<string, never>> {
    const keys = await this.db.withTransaction(() => this.sessions.delete(principal, id));
    if (!keys) throw documentNotFound();
    await this.storage.deleteQuietly(keys);
    return {};
  }

  /** Removes up to `limit` expired sessions (any replica may run it: SKIP LOCKED), then their files. */
  async sweepExpired(limit = 200): Promise<number> {
    const { sessions, objectKeys } = await this.db.withTransaction(() => this.sessions.deleteExpired(limit));
    await this.storage.deleteQuietly(objectKeys);
    return sessions;
  }
}

import { Controller, Injectable, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Principal, ResolveViewingSourceRequest, ViewingSourceReply, ViewingSourceSubjects } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountScope, AccountScopedRepository, Db, RpcPrincipal } from '@quire/platform';
import { StoredFile } from '../files/file.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A file of the caller's account, as a viewing session's `document` source (`file:<id>`). */
@Injectable()
export class ViewingSourceRepository extends AccountScopedRepository<StoredFile> {
  constructor(db: TransactionHost) {
    super(db as Db, StoredFile);
  }

  async find(scope: AccountScope, id: string): Promise<ViewingSourceReply | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.sql<{ storage_key: string; size: string; sha256: string; content_type: string; name: string }>(
      scope,
      `SELECT storage_key, size, sha256, content_type, name FROM "file"."files" WHERE account_id = $1 AND id = $2`,
      [id],
    );
    return row && { objectKey: row.storage_key, sizeBytes: Number(row.size), sha256: row.sha256.trim(), contentType: row.content_type, name: row.name };
  }
}

@Controller()
export class ViewingSourceController {
  constructor(private readonly sources: ViewingSourceRepository) {}

  @MessagePattern(ViewingSourceSubjects.file)
  async resolve(@Payload() request: ResolveViewingSourceRequest, @RpcPrincipal() principal: Principal): Promise<ViewingSourceReply> {
    // Files have no versions: naming one names nothing.
    const found = request.version === undefined ? await this.sources.find(principal, request.id) : undefined;
    if (!found) throw DomainError.notFound('File');
    return found;
  }
}

/** `svc.file.viewing_source.resolve` for the viewing service (libs/contracts/src/viewing). */
@Module({ controllers: [ViewingSourceController], providers: [ViewingSourceRepository] })
export class ViewingSourceModule {}

import { Controller, DynamicModule, Inject, Module, Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, ResolveViewingSourceRequest, ViewingSourceReply } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import type { AccountScope } from '../database/account-scope';
import { RpcPrincipal } from './rpc-context';

/** A service's own lookup of a viewing session's `document` source (its queries stay in the app). */
export interface ViewingSourceLookup {
  /** The object to show, or undefined when the caller's account has no such source. */
  find(scope: AccountScope, id: string, version?: number): Promise<ViewingSourceReply | undefined>;
}

export interface ViewingSourceHandlerOptions {
  /** The `ViewingSourceSubjects` entry the service answers. */
  subject: string;
  /** The provider that finds a source (an AccountScopedRepository of the app). */
  lookup: Type<ViewingSourceLookup>;
  /** The not-found error's subject when the lookup finds nothing, e.g. `'Document'`. */
  notFound: string;
}

/**
 * The NATS handler a source-owning service gives the viewing service (libs/contracts/src/viewing):
 * it answers `subject` with the lookup's reply for the calling principal's account, NOT_FOUND
 * otherwise. Import the returned module in the service's NATS-facing modules.
 */
export function viewingSourceModule({ subject, lookup, notFound }: ViewingSourceHandlerOptions): DynamicModule {
  @Controller()
  class ViewingSourceController {
    constructor(@Inject(lookup) private readonly sources: ViewingSourceLookup) {}

    @MessagePattern(subject)
    async resolve(@Payload() request: ResolveViewingSourceRequest, @RpcPrincipal() principal: Principal): Promise<ViewingSourceReply> {
      const found = await this.sources.find(principal, request.id, request.version);
      if (!found) throw DomainError.notFound(notFound);
      return found;
    }
  }

  @Module({})
  class ViewingSourceModule {}

  return { module: ViewingSourceModule, controllers: [ViewingSourceController], providers: [lookup] };
}

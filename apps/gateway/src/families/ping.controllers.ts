import { Controller, Get, Query, Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PingReply, PingRequest, Principal, ServiceName, systemSubjects } from '@quire/contracts';
import { ApiFamily } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../auth/auth.guard';
import { Mounts } from './families';

/** Which service answers each family, and how the family wraps a successful body. */
const pingRoutes: Array<{ family: ApiFamily; service: ServiceName; wrap: (reply: PingReply) => unknown }> = [
  { family: 'word-edit', service: 'edit-session', wrap: (reply) => reply },
  { family: 'file-upload', service: 'file', wrap: (reply) => ({ data: reply }) },
  { family: 'documents', service: 'document-repository', wrap: (reply) => reply },
  { family: 'viewing', service: 'viewing-session', wrap: (reply) => reply },
  { family: 'rest-auth', service: 'identity', wrap: (reply) => reply },
];

/**
 * `GET <mount>/_ping`: an authenticated round trip gateway → NATS → owning service → its schema,
 * in the family's envelope. Operators use it to see a family end to end.
 */
function pingController(route: (typeof pingRoutes)[number]): Type {
  @ApiTags(route.family)
  @ApiSecurity('bearer')
  @Controller(Mounts[route.family].slice(1))
  class PingController {
    constructor(private readonly rpc: RpcClient) {}

    @Get('_ping')
    @ApiOperation({ summary: `Round trip to the ${route.service} service and its database` })
    @ApiOkResponse({ description: 'The service name and its newest migration' })
    async ping(
      @Query() query: PingRequest,
      @CurrentPrincipal() principal: Principal,
      @RequestId() requestId: string,
    ): Promise<unknown> {
      const reply = await this.rpc.request<PingReply>(systemSubjects(route.service).ping, query, { requestId, principal });
      return route.wrap(reply);
    }
  }
  Object.defineProperty(PingController, 'name', { value: `${route.service.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}PingController` });
  return PingController;
}

export const pingControllers = pingRoutes.map(pingController);

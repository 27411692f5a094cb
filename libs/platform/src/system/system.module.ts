import { Controller, DynamicModule, Module, Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PingReply, PingRequest, ServiceName, systemSubjects } from '@quire/contracts';

/**
 * `svc.<service>.system.ping`: answers with one row read from the service's own schema (its newest
 * migration). The walking skeleton and the gateway → NATS → service → Postgres benchmark use it.
 */
function pingController(service: ServiceName): Type {
  @Controller()
  class SystemController {
    constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

    @MessagePattern(systemSubjects(service).ping)
    async ping(@Payload() request: PingRequest): Promise<PingReply> {
      const schema = (this.dataSource.options as { schema: string }).schema;
      const rows: Array<{ name: string }> = await this.dataSource.query(
        `SELECT "name" FROM "${schema}"."migrations" ORDER BY "timestamp" DESC, "id" DESC LIMIT 1`,
      );
      return { service, migration: rows[0]?.name ?? null, ...(request.echo !== undefined ? { echo: request.echo } : {}) };
    }
  }
  return SystemController;
}

@Module({})
export class SystemModule {
  static forService(service: ServiceName): DynamicModule {
    return { module: SystemModule, controllers: [pingController(service)] };
  }
}

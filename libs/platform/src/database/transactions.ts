import { DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';

/**
 * The service's database handle as repositories see it: `db.tx` is the EntityManager of the
 * transaction the caller is in (a use case's `@Transactional()` or `db.withTransaction`), or the
 * plain one outside any. Services and use cases never hold an EntityManager: they open a
 * transaction and call repositories, which pick it up from the async context (nestjs-cls,
 * docs/adr/009-service-shape.md).
 */
export type Db = TransactionHost<TransactionalAdapterTypeOrm>;
export { TransactionHost, Transactional } from '@nestjs-cls/transactional';

/** The async context and the transaction plugin over the service's one DataSource. */
export function transactionsModule(): DynamicModule {
  return ClsModule.forRoot({
    global: true,
    plugins: [
      new ClsPluginTransactional({
        adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
      }),
    ],
  });
}

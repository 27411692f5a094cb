import 'reflect-metadata';
import { bootstrapService, Outbox, UploadReservationSweeper } from '@quire/platform';
import { DocumentRepositoryEnv } from './document-repository.env';
import { DocumentRepositoryModule } from './document-repository.module';

void bootstrapService({
  name: 'document-repository',
  envClass: DocumentRepositoryEnv,
  defaultPort: 3104,
  module: (env) => DocumentRepositoryModule.forRoot(env),
  // document_created / version_added / document_moved / document_deleted are written with their rows;
  // expired upload reservations are swept from here on.
  afterMigrations: async (app) => {
    app.get(Outbox).start();
    app.get(UploadReservationSweeper).start();
  },
});

import 'reflect-metadata';
import { bootstrapService, Outbox, UploadReservationSweeper } from '@quire/platform';
import { FileEnv } from './file.env';
import { FileModule } from './file.module';

void bootstrapService({
  name: 'file',
  envClass: FileEnv,
  defaultPort: 3103,
  module: (env) => FileModule.forRoot(env),
  // file_created / file_deleted are written with their rows and published from the outbox;
  // expired upload reservations are swept from here on.
  afterMigrations: async (app) => {
    app.get(Outbox).start();
    app.get(UploadReservationSweeper).start();
  },
});

import 'reflect-metadata';
import { bootstrapService } from '@quire/platform';
import { DocumentRepositoryEnv } from './document-repository.env';
import { DocumentRepositoryModule } from './document-repository.module';

void bootstrapService({ name: 'document-repository', envClass: DocumentRepositoryEnv, defaultPort: 3104, module: (env) => DocumentRepositoryModule.forRoot(env) });

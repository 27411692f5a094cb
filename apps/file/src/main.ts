import 'reflect-metadata';
import { bootstrapService } from '@quire/platform';
import { FileEnv } from './file.env';
import { FileModule } from './file.module';

void bootstrapService({ name: 'file', envClass: FileEnv, defaultPort: 3103, module: (env) => FileModule.forRoot(env) });

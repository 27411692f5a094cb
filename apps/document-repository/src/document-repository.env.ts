import { ServiceEnv } from '@quire/platform';

/** Settings of the document-repository service (see README, "Configuration"). */
export class DocumentRepositoryEnv extends ServiceEnv {}

import { ServiceEnv } from '@quire/platform';

/** Settings of the file service (see README, "Configuration"). */
export class FileEnv extends ServiceEnv {}

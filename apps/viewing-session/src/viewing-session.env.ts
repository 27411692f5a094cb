import { ServiceEnv } from '@quire/platform';

/** Settings of the viewing-session service (see README, "Configuration"). */
export class ViewingSessionEnv extends ServiceEnv {}

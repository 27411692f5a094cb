/** The services behind the gateway; each listens on NATS with a queue group of the same name. */
export const ServiceNames = ['identity', 'edit-session', 'file', 'document-repository', 'viewing-session'] as const;
export type ServiceName = (typeof ServiceNames)[number];

/** The Postgres schema each service owns. */
export const ServiceSchemas: Record<ServiceName, string> = {
  identity: 'identity',
  'edit-session': 'edit_session',
  file: 'file',
  'document-repository': 'docrepo',
  'viewing-session': 'viewing',
};

import { IdentitySubjects } from './identity/subjects';
import { ServiceName } from './services';

/** `svc.<service>.<resource>.<verb>`: a request one service answers. */
export type ServiceSubject<S extends ServiceName = ServiceName> = `svc.${S}.${string}.${string}`;
/** `evt.<service>.<event>`: something that happened, published after commit. */
export type EventSubject<S extends ServiceName = ServiceName> = `evt.${S}.${string}`;

/** The subjects every service answers. */
export function systemSubjects<S extends ServiceName>(name: S) {
  return {
    /** Reads one row of the service's own schema: the walking skeleton and benchmark (b). */
    ping: `svc.${name}.system.ping` as const,
    /** May this principal join this WebSocket room? Each service answers for its own rooms. */
    authorizeRoom: `svc.${name}.room.authorize` as const,
  };
}

export const Subjects = {
  Identity: { ...systemSubjects('identity'), ...IdentitySubjects },
  EditSession: { ...systemSubjects('edit-session') },
  File: { ...systemSubjects('file') },
  DocumentRepository: { ...systemSubjects('document-repository') },
  ViewingSession: { ...systemSubjects('viewing-session') },
} as const;

export const EventSubjects = {
  /** Everything any service publishes; the gateway fans it out to WebSocket rooms. */
  all: 'evt.>',
} as const;

/** NATS headers the gateway sets on every request. */
export const RpcHeaders = {
  requestId: 'x-request-id',
  principal: 'x-principal',
} as const;

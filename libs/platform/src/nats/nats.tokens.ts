/** The NATS connection a process uses for its own requests and events (not the Nest server's). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

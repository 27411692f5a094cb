export * from './wait';
export * from './database';
export * from './stack';
export * from './processes';
export * from './identities';
export * from './docx';
export * from './ws-client';
export * from './medium';

export * from './error-codes';
export * from './domain-error';
export * from './http/http-error';
export * from './http/mappers';

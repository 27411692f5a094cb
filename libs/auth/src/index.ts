export * from './tokens';
export * from './jwt';
export * from './permissions';
export * from './passwords';
export * from './api-tokens';
export * from './edit-session-token';
export { Public, IS_PUBLIC } from '@quire/platform';

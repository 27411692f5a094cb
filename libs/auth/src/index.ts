export * from './tokens';
export * from './jwt';
export * from './permissions';
export { Public, IS_PUBLIC } from '@quire/platform';

export * from './subjects';
export * from './sessions.dto';
export * from './viewing-source.dto';
export * from './packages.dto';
export * from './comparisons.dto';

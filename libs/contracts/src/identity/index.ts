export * from './subjects';
export * from './auth.dto';
export * from './directory.dto';
export * from './tokens.dto';

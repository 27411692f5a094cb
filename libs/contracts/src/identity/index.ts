// class-transformer's @Type reads design metadata when the DTO classes are declared.
import 'reflect-metadata';
export * from './subjects';
export * from './auth.dto';
export * from './directory.dto';
export * from './tokens.dto';
export * from './rest-users.dto';

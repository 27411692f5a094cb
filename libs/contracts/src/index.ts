export * from './services';
export * from './subjects';
export * from './principal';
export * from './rooms';
export * from './system/ping.dto';
export * from './system/room.dto';

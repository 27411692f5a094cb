// file service: subjects, request / reply DTOs and events.
export * from './subjects';
export * from './file.dto';

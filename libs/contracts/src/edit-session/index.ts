// edit-session service: subjects, request / reply DTOs and events.
export * from './subjects';
export * from './reports.dto';
export * from './sessions.dto';
export * from './versions.dto';

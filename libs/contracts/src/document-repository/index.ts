// document-repository service: subjects, request / reply DTOs and events.
export * from './subjects';
export * from './document-repository.dto';

// file service: subjects, request / reply DTOs and events (filled by the file work).
export {};

// edit-session service: subjects, request / reply DTOs and events (filled by the edit-session work).
export {};

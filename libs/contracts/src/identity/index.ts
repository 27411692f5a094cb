// identity service: subjects, request / reply DTOs and events (filled by the identity work).
export {};

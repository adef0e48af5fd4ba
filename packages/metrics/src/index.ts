// Public API of @seahorse/metrics (filled in by its issue).
export {};

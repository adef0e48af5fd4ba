// Public API of @seahorse/inference (filled in by its issue).
export {};

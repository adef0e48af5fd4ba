// Public API of @seahorse/preprocess (filled in by its issue).
export {};

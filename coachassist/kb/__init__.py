"""The knowledge base: file models, the condition language, loading, validation and its cache."""

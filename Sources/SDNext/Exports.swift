// The request bodies are part of the client's API: `import SDNext` is all a caller needs.
@_exported import SDNextModels

"""The I/O around the engine: log backends, websocket gateway, HTTP views, CLI."""

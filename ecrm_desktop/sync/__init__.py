"""Store connectors, the polite HTTP client, the sync runner and its checkpoints; the demo store emulator."""

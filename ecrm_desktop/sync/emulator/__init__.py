"""The store emulator, shipped with the app: a deterministic demo store (`demo_store`) for the demo, tests and
the packaged app's self-test, and platform-shaped APIs that serve a store's data like Shopify or WooCommerce."""

"""One presenter per screen: user intent to service calls, service results to view state (no widgets)."""

"""One page per consultation step."""

"""city/gateway."""

"""city/issuer."""

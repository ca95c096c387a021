"""The public verifier: the trust list and the verification page, for anyone, bounded in every dimension."""

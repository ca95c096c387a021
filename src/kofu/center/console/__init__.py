"""The centre's operator console (J-LIS side): cities, kiosks and stores, throughput and latency,
the CRL and the trust list; stop and resume a city. Nothing on it names a person: it reads the
centre's own tables, which hold none (cards only as hashes, never shown here either).
"""

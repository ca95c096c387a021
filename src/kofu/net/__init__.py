"""Transport shared by every actor: HTTP over mutually authenticated TLS 1.3.

`server` runs an ASGI app under uvicorn with a server context that requires a client
certificate and puts the peer's certificate into the ASGI scope (the `tls` extension), so an
app can check *who* is calling, not only that the chain is valid. `client` builds httpx clients
from a client context built once and injected.
"""

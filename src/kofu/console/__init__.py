"""What the staff consoles share: accounts, sessions, CSRF, audit, the door, the page frame.

The city console (``kofu.city.console``) and the centre's operator console
(``kofu.center.console``) are each a FastAPI app built by ``kofu.console.web.create_console``.
"""

"""The kiosk's fixtures, for the contract test's kiosk app."""

from tests.kiosk.test_kiosk_app import card_template, store  # noqa: F401 - fixtures

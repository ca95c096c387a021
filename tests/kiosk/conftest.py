"""The emulated card fixtures of `test_kiosk_app`, for every kiosk test module."""

from tests.kiosk.test_kiosk_app import card_template, store  # noqa: F401 - fixtures

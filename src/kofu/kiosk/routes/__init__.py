"""The kiosk's routes, one router per area of the screen; `install` adds them all to an app.

page         the page, its state, the voice guidance, touches, leaving, やめる
card         the card slot and the PIN
order        city, menu, 利用登録, document, options, copies, confirmation, order
history      交付履歴の確認 (what was issued in the card holder's name)
payment      money, printing, the output tray
devices      the device panel's card slot
maintenance  the maintenance page and its API (behind the maintenance key)
"""

from __future__ import annotations

from fastapi import FastAPI

from kofu.kiosk.routes import card, devices, history, maintenance, order, page, payment


def install(app: FastAPI) -> None:
    """Every route of the kiosk on ``app``."""
    for module in (page, card, order, history, payment, devices, maintenance):
        module.router.install(app)

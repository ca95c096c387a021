"""The resident's visit at the kiosk: one at a time, on the kiosk's devices.

One kiosk serves one resident at a time. `Visit` holds the single `KioskFlow` for the kiosk's
life, the card lying on the reader, and the resident's choices while they are made (document,
options, copies); the devices (`kofu.kiosk.equipment`) are given to it. Every step runs under
one lock, in a worker thread (card I/O and centre calls block). A visit with no call for
`idle_timeout` seconds is cancelled: money back, card released, everything about the resident
forgotten.

Documents and change nobody took follow the tray rule of `kofu.kiosk.tray`. The screen's state
(`ScreenState`) shows the present visit only: cities and the menu (with household members'
names) exist only once its resident has authenticated, and are gone when it ends.

Nothing here is logged but codes; nothing personal is kept after a visit ends.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kofu.card.errors import CardError
from kofu.card.reader import Reader
from kofu.kiosk.center import CenterLink
from kofu.kiosk.clockface import clock_face
from kofu.kiosk.devices import DENOMINATIONS, Sheet
from kofu.kiosk.equipment import Devices
from kofu.kiosk.flow import IssuedDocument, KioskFlow, card_error
from kofu.kiosk.issued import issued_entries
from kofu.kiosk.journal import Journal
from kofu.kiosk.messages import kiosk_message
from kofu.kiosk.options import Choice, Confirmed, check_options, confirmed_options, screen_menu, shown_options
from kofu.kiosk.registration import apply_registration, registration_cities
from kofu.kiosk.seals import KioskSeals
from kofu.kiosk.slot import SimulatedSlot
from kofu.protocol.errors import KofuError, Refused
from kofu.protocol.kiosk_center import CityChoice, DocumentOffer
from kofu.protocol.kiosk_screen import (
    CardSlotState,
    CashState,
    ClockFace,
    DocumentReady,
    Draft,
    Ended,
    IssuedEntry,
    Phase,
    RegistrationCity,
    RegistrationDone,
    ScreenMenu,
    ScreenState,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

IDLE_TIMEOUT = 120.0
BUSY_WAIT = 90.0  # longer than the centre's order timeout


def document_ready(document: IssuedDocument | None) -> DocumentReady | None:
    if document is None:
        return None
    return DocumentReady(
        doc=document.doc,  # type: ignore[arg-type]
        title=document.title,
        copies=document.copies,
        pages=document.pages,
        fee_total=document.fee_total,
    )


class Visit:
    """The kiosk's single visit, guarded by one lock; every public step runs in a worker thread."""

    def __init__(
        self,
        center: CenterLink,
        devices: Devices,
        seals: KioskSeals | None = None,
        *,
        journal: Journal,
        idle_timeout: float = IDLE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.devices = devices
        self.flow = KioskFlow(center, devices.cash, devices.printer, journal, seals)
        self.seals = self.flow.seals
        self.idle_timeout = idle_timeout
        self.clock = clock
        self.number = 0  # counts visits; the page tells its own from a notice about another
        self._lock = threading.Lock()
        self._card: contextlib.ExitStack | None = None  # the card lying on the reader
        self._label: str | None = None
        self._choice = Choice()
        self._ended: Ended | None = None  # a visit the kiosk ended by itself, and why
        self._last_call = clock()
        self._snapshot = self._state()

    def refund_at_start(self, amount: int) -> None:
        """Money a crash left in the cash unit's escrow goes to the change tray at restart."""
        self.devices.outputs.returned += amount

    # -- running steps ----------------------------------------------------------------------------
    def step(self, fn: Callable[..., T], *args: Any) -> tuple[T, ScreenState]:
        """Run one of the resident's steps under the lock (blocking; call from a worker thread):
        its result and the state it left. The idle clock starts again."""
        if not self._lock.acquire(timeout=BUSY_WAIT):
            raise Refused("kiosk.busy")
        try:
            self._expire_if_idle()
            try:
                result = fn(*args)
            finally:
                self._last_call = self.clock()
                self._snapshot = self._state()
            return result, self._snapshot
        finally:
            self._lock.release()

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """A step whose result is all that is wanted (counts as the resident's activity)."""
        return self.step(fn, *args)[0]

    def inspect(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` under the lock without counting as the resident's activity (maintenance)."""
        if not self._lock.acquire(timeout=BUSY_WAIT):
            raise Refused("kiosk.busy")
        try:
            result = fn(*args)
            self._snapshot = self._state()
            return result
        finally:
            self._lock.release()

    def expire_if_idle(self) -> None:
        """The watchdog's tick: cancel an abandoned visit (skipped while a step is running)."""
        if self._lock.acquire(blocking=False):
            try:
                self._expire_if_idle()
            finally:
                self._lock.release()

    @property
    def in_progress(self) -> bool:
        """A resident is being served: a card on the reader, a visit under way, or money inserted."""
        return self.flow.state != Phase.IDLE or self._card is not None or self.flow.cash.inserted() > 0

    @property
    def card_in_slot(self) -> bool:
        return self._card is not None

    def _expire_if_idle(self) -> None:
        if self.clock() - self._last_call <= self.idle_timeout:
            return
        outputs = self.devices.outputs
        if self.in_progress:
            log.info("visit %d: no call for %.0f s, cancelled", self.number, self.idle_timeout)
            refund = self._end()
            left = outputs.retain_sheets(self.number)
            self._ended = self._notice("kiosk.timeout.left_behind" if left else "kiosk.timeout", refund)
            self._last_call = self.clock()  # the refund now waits one more idle period to be taken
        elif outputs.has_leftovers():
            if outputs.retain_all(self.number):
                self._ended = self._notice("kiosk.timeout.left_behind")
        else:
            return
        self._snapshot = self._state()

    def _notice(self, code: str, refund: int = 0) -> Ended:
        message = kiosk_message(code)
        return Ended(
            visit=self.number, code=code, message_ja=message.ja, message_en=message.en, refund=refund
        )

    def _end(self) -> int:
        """Cancel whatever is under way, give the money back, release the card, forget the choice."""
        refund = self.flow.cancel()
        self.devices.outputs.returned += refund
        self._release_card()
        self._choice = Choice()
        return refund

    def _release_card(self) -> None:
        card, self._card, self._label = self._card, None, None
        if card is not None:
            with contextlib.suppress(CardError):
                card.close()

    # -- the card slot --------------------------------------------------------------------------
    def place_card(self, label: str) -> tuple[int, int]:
        """SIMULATED slot: lay a stored card on the reader; it stays until the resident takes it
        back. The visit's number and the PIN tries left."""
        slot = self.devices.slot
        if not isinstance(slot, SimulatedSlot):
            raise Refused("kiosk.card.not_now")  # a real reader: cards are placed on it by hand
        self._may_place()
        try:
            stack, reader = slot.lay(label)
        except CardError as exc:
            raise card_error(exc) from exc
        return self._lay(stack, reader, label)

    def read_reader_card(self) -> tuple[int, int]:
        """PC/SC: the card the resident put on the real reader starts the visit."""
        pcsc = self.devices.pcsc
        if pcsc is None:
            raise Refused("card.reader.unavailable")
        self._may_place()
        try:
            stack, reader = pcsc.lay()
        except CardError as exc:
            raise card_error(exc) from exc
        return self._lay(stack, reader, reader.name)

    def watch_reader(self) -> None:
        """PC/SC watcher's tick (worker thread): a card taken off the reader is taken back."""
        pcsc = self.devices.pcsc
        if pcsc is None:
            return
        present = pcsc.poll()
        if present or self._card is None:
            self._snapshot = self._snapshot.model_copy(update={"card": self._card_state()})
            return
        if not self._lock.acquire(timeout=0.5):
            return  # a step is running: it meets the removal itself (CardRemoved), next tick ends it
        try:
            if self._card is not None and not pcsc.present:
                log.info("visit %d: card taken off the PC/SC reader", self.number)
                self._take_card_back()
            self._snapshot = self._state()
        finally:
            self._lock.release()

    def _may_place(self) -> None:
        if self._card is not None:
            raise Refused("kiosk.card.in_slot")
        if self.flow.state != Phase.IDLE:
            raise Refused("kiosk.card.not_now")
        if self.devices.outputs.has_leftovers():  # a new resident never sees what the last one left
            self.devices.outputs.retain_all(self.number)

    def _lay(self, stack: contextlib.ExitStack, reader: Reader, label: str) -> tuple[int, int]:
        self._card, self._label = stack, label
        self.number += 1
        self._ended = None
        self._choice = Choice()
        # From here the card lies on the reader even if reading it fails: the resident takes it back.
        tries = self.flow.place_card(reader)
        return self.number, tries

    def remove_card(self) -> bool:
        """The resident takes the card back (SIMULATED slot); before the PIN was accepted, that
        ends the visit (True)."""
        if self._card is None:
            raise Refused("kiosk.card.none")
        if self.devices.pcsc is not None:  # a real reader: only taking the card off counts
            raise Refused("kiosk.card.not_now")
        return self._take_card_back()

    def _take_card_back(self) -> bool:
        before = self.flow.state
        self.flow.remove_card()
        self._release_card()
        if before == Phase.CARD:
            refund = self.flow.cash.refund()
            self.flow.journal.cash("refund", refund)
            self.devices.outputs.returned += refund
            self._choice = Choice()
            self._ended = self._notice("card.removed")
        return before == Phase.CARD

    # -- PIN, city, menu, 利用登録 --------------------------------------------------------------------
    def enter_pin(self, pin: str) -> list[CityChoice]:
        if not (len(pin) == 4 and pin.isascii() and pin.isdigit()):
            raise Refused("card.pin.format")
        return self.flow.enter_pin(pin)

    def choose_city(self, kind: str) -> ScreenMenu | None:
        """The resident's choice of お住まいの市区町村 (residence) or 本籍地 (honseki)."""
        if self._card is not None:
            raise Refused("kiosk.card.take")  # the card goes back before anything is chosen
        city = next((c for c in self.flow.cities if c.kind == kind), None)
        if city is None:
            raise Refused("kiosk.city.unavailable")
        menu = self.flow.choose_city(city.city_code)
        self._choice = Choice()
        return screen_menu(menu)

    def menu(self) -> ScreenMenu | None:
        return screen_menu(self.flow.menu)

    def issued_history(self) -> list[IssuedEntry]:
        """交付履歴の確認: each of the card's cities, asked through the sealed path; kept nowhere."""
        self._signed_in()
        return issued_entries(self.flow)

    def registration_cities(self) -> list[RegistrationCity]:
        """Cities a 利用登録 can go to: those of the trust list the card does not order from."""
        self._signed_in()
        return registration_cities(self.flow)

    def apply_registration(self, city_code: str, honseki: str, hittosha: str) -> RegistrationDone:
        """Send the application (本籍 and 筆頭者 travel sealed for the 本籍地 city)."""
        self._signed_in()
        return apply_registration(self.flow, city_code, honseki, hittosha)

    def _signed_in(self) -> None:
        """The card is back with the resident, whose PIN was accepted and who is at the menu."""
        if self._card is not None:
            raise Refused("kiosk.card.take")
        if self.flow.state not in (Phase.AUTHENTICATED, Phase.MENU):
            raise Refused("kiosk.flow")

    # -- the choice ------------------------------------------------------------------------------
    def choose_document(self, doc: str) -> tuple[DocumentOffer, Draft]:
        offer = self.flow.offer(doc)
        if offer.refusal:  # shown greyed out with its reason; never ordered from here
            raise Refused(offer.refusal)
        self._choice = Choice(doc=offer.doc, options={s.name: s.choices[0] for s in offer.options})
        return offer, self._choice.view()

    def _offer(self) -> DocumentOffer:
        if self._choice.doc is None:
            raise Refused("kiosk.document.none")
        return self.flow.offer(self._choice.doc)

    def choose_options(self, options: dict[str, str]) -> Draft:
        check_options(self._offer(), options)
        self._choice.options.update(options)
        return self._choice.view()

    def choose_copies(self, copies: int) -> Draft:
        if not 1 <= copies <= self._offer().max_copies:
            raise Refused("order.copies.invalid")
        self._choice.copies = copies
        return self._choice.view()

    def confirmation(self) -> Confirmed:
        """What the resident confirms: document, options in words, copies (and so the fee)."""
        offer = self._offer()
        return Confirmed(offer, confirmed_options(offer, self._choice.options), self._choice.copies)

    # -- order, payment, printing -------------------------------------------------------------------
    def order(self) -> DocumentReady:
        """Fetch and check the document; only then is the resident asked to pay."""
        offer = self._offer()
        supplies = self.devices.supplies
        if not supplies.can_print(self._choice.copies):
            raise Refused("kiosk.printer.paper_out")
        options = shown_options(offer, self._choice.options)
        document = self.flow.order(offer.doc, options, self._choice.copies)
        if not supplies.can_print(document.pages * document.copies):
            self.flow.cancel()  # nothing paid yet; the centre is told the order was cancelled
            self._choice = Choice()
            raise Refused("kiosk.printer.paper_out")
        ready = document_ready(document)
        assert ready is not None
        return ready

    def insert_money(self, amount: int) -> int:
        if amount not in DENOMINATIONS:
            raise Refused("kiosk.payment.denomination")
        if self.flow.state != Phase.ORDERED:
            raise Refused("kiosk.payment.not_now")
        return self.flow.cash.insert(amount)  # journaled before anything else

    def pay_and_print(self) -> int:
        """Print, keep the fee only if printing worked; the change."""
        outputs = self.devices.outputs
        inserted = self.flow.cash.inserted()
        document = self.flow.document
        pages = document.pages * document.copies if document is not None else 0
        try:
            change = self.flow.pay_and_print()
        except Refused as exc:
            if exc.code == "kiosk.print.failed":
                outputs.returned += inserted  # the flow gave it all back
                self.flow.wipe()
                self._choice = Choice()
            raise
        outputs.returned += change
        self.devices.supplies.use(pages)
        self.flow.wipe()  # the document now exists only as paper in the tray
        self._choice = Choice()
        return change

    def cancel(self) -> int:
        """やめる / back to the start: refund, card released, documents not taken are retained."""
        refund = self._end()
        self.devices.outputs.retain_sheets(self.number)
        return refund

    def page_left(self) -> int:
        """The page was closed or (re)loaded: whatever visit it showed ends here, with a refund."""
        outputs = self.devices.outputs
        in_visit = self.in_progress
        refund = self._end()
        left = outputs.retain_sheets(self.number)
        if in_visit or left:
            self._ended = self._notice("kiosk.page.left", refund)
        elif outputs.returned == 0:
            self._ended = None  # nothing waits for anyone: no notice to show on the new page
        return refund

    def touch(self) -> None:
        """The resident touched the screen: the visit is still in use (restarts the idle clock)."""
        return None

    def take_change(self) -> int:
        return self.devices.outputs.take_change()

    def take_documents(self) -> int:
        return self.devices.outputs.take_documents()

    def sheet(self, sheet_id: str) -> Sheet | None:
        return self.devices.outputs.sheet(sheet_id)

    # -- what the screen shows -------------------------------------------------------------------
    def _card_state(self) -> CardSlotState:
        return CardSlotState(
            in_slot=self._card is not None, label=self._label, reader=self.devices.slot.state()
        )

    def _state(self) -> ScreenState:
        flow, outputs = self.flow, self.devices.outputs
        return ScreenState(
            visit=self.number,
            phase=flow.state,
            ended=self._ended,
            card=self._card_state(),
            cities=list(flow.cities),
            menu=screen_menu(flow.menu),
            draft=self._choice.view(),
            document=document_ready(flow.document),
            cash=CashState(
                inserted=self.flow.cash.inserted(),
                returned=outputs.returned,
                denominations=list(DENOMINATIONS),
            ),
            tray=outputs.tray(),
            idle_timeout=self.idle_timeout,
            idle_left=self._idle_left(),
        )

    def _idle_left(self) -> float | None:
        if not (self.in_progress or self.devices.outputs.has_leftovers()):
            return None
        return round(max(0.0, self.idle_timeout - (self.clock() - self._last_call)), 1)

    def state(self) -> ScreenState:
        """The state for the screen; while a step runs, the last one seen, marked busy. The clock
        is read anew either way (the kiosk's own, in Japan time: never the browser's)."""
        face = ClockFace(**clock_face())
        if self._lock.acquire(timeout=0.2):
            try:
                self._expire_if_idle()
                self._snapshot = self._state()
                return self._snapshot.model_copy(update={"clock": face})
            finally:
                self._lock.release()
        return self._snapshot.model_copy(update={"busy": True, "clock": face})

    def close(self) -> None:
        """The kiosk shuts down: end any visit."""
        with self._lock, contextlib.suppress(KofuError):
            self._end()

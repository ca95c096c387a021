"""What the touch screen drives: the one kiosk's devices and its one resident's visit.

One kiosk has one screen, one card reader, one cash unit and one printer, and serves one
resident at a time. `KioskScreen` holds the single `KioskFlow` for the kiosk's life, the card
that lies on the (simulated) reader, and the resident's choices while they are made (document,
options, copies). Every step runs under one lock, in a worker thread (card I/O and centre calls
block). A visit with no call for `idle_timeout` seconds is cancelled: money back, card released,
everything about the resident forgotten.

Documents and change nobody took follow the tray rule of `kofu.kiosk.tray`; maintenance
(counters and settings only) is `kofu.kiosk.maintenance`; the PC/SC slot is `kofu.kiosk.slot`.

Nothing here is logged but codes; nothing personal is kept after a visit ends.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kofu.card.errors import CardError
from kofu.card.state import CardStore
from kofu.kiosk.center import CenterLink
from kofu.kiosk.clockface import clock_face
from kofu.kiosk.devices import DENOMINATIONS, Sheet, SimulatedCashUnit, SimulatedPrinter
from kofu.kiosk.flow import KioskFlow, card_error
from kofu.kiosk.journal import Journal
from kofu.kiosk.maintenance import Supplies
from kofu.kiosk.messages import kiosk_message
from kofu.kiosk.options import menu_json, offer_json, shown, shown_options, spec_of
from kofu.kiosk.seals import KioskSeals
from kofu.kiosk.slot import SIMULATED, PcscSlot
from kofu.kiosk.tray import Outputs
from kofu.protocol.errors import KofuError, Refused
from kofu.protocol.kiosk_center import DocumentOffer

log = logging.getLogger(__name__)

T = TypeVar("T")

IDLE_TIMEOUT = 120.0
CARD_WAIT = 1.0  # how long to wait for a card file another process has open
BUSY_WAIT = 90.0  # longer than the centre's order timeout


@dataclass
class Draft:
    """The resident's choice while it is being made (nothing personal)."""

    doc: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    copies: int = 1


class KioskScreen:
    """The kiosk's single visit, guarded by one lock; every public step runs in a worker thread."""

    def __init__(
        self,
        center: CenterLink,
        cards: CardStore,
        *,
        idle_timeout: float = IDLE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        seals: KioskSeals | None = None,
        cities: dict[str, str] | None = None,
        pcsc: PcscSlot | None = None,
        journal: Journal,
    ) -> None:
        self.pcsc = pcsc  # the card slot is a real PC/SC reader (else the SIMULATED demo-card slot)
        self.center = center
        self.cities = dict(cities or {})  # city code → name: the cities this kiosk's centre serves
        self.cards = cards
        self.cash = SimulatedCashUnit()
        self.printer = SimulatedPrinter()
        self.flow = KioskFlow(center, self.cash, self.printer, journal, seals)
        self.idle_timeout = idle_timeout
        self.clock = clock
        self.lock = threading.Lock()
        self.slot: contextlib.ExitStack | None = None  # the stored card lying on the reader
        self.slot_label: str | None = None
        self.draft = Draft()
        self.visit = 0
        self.ended: dict[str, Any] | None = None  # a visit the kiosk ended by itself, and why
        self.outputs = Outputs(self.printer)  # change tray, document tray, retained bin
        self.supplies = Supplies()
        self.last_call = clock()
        self._snapshot: dict[str, Any] = {}

    def refund_at_start(self, amount: int) -> None:
        """Money a crash left in the cash unit's escrow goes to the change tray at restart."""
        self.outputs.returned += amount

    # -- running steps ----------------------------------------------------------------------------
    def run(self, step: Callable[..., T], *args: Any) -> T:
        """Run one step under the lock (blocking; call from a worker thread)."""
        if not self.lock.acquire(timeout=BUSY_WAIT):
            raise Refused("kiosk.busy")
        try:
            self._expire_if_idle()
            try:
                return step(*args)
            finally:
                self.last_call = self.clock()
                self._snapshot = self._state()
        finally:
            self.lock.release()

    def expire_if_idle(self) -> None:
        """The watchdog's tick: cancel an abandoned visit (skipped while a step is running)."""
        if self.lock.acquire(blocking=False):
            try:
                self._expire_if_idle()
            finally:
                self.lock.release()

    def _in_visit(self) -> bool:
        return self.flow.state != "idle" or self.slot is not None or self.cash.inserted() > 0

    def _has_leftovers(self) -> bool:
        return self.outputs.has_leftovers()

    def _expire_if_idle(self) -> None:
        if self.clock() - self.last_call <= self.idle_timeout:
            return
        if self._in_visit():
            log.info("visit %d: no call for %.0f s, cancelled", self.visit, self.idle_timeout)
            refund = self._end_visit()
            left = self._retain_sheets()
            self.ended = self._ended("kiosk.timeout.left_behind" if left else "kiosk.timeout", refund)
            self.last_call = self.clock()  # the refund now waits one more idle period to be taken
        elif self._has_leftovers():
            if self.outputs.retain_all(self.visit):
                self.ended = self._ended("kiosk.timeout.left_behind")
        else:
            return
        self._snapshot = self._state()

    def _retain_sheets(self) -> int:
        return self.outputs.retain_sheets(self.visit)

    def _ended(self, code: str, refund: int = 0) -> dict[str, Any]:
        message = kiosk_message(code)
        return {
            "visit": self.visit,
            "code": code,
            "message_ja": message.ja,
            "message_en": message.en,
            "refund": refund,
        }

    def _end_visit(self) -> int:
        """Cancel whatever is under way, give the money back, release the card, forget the choice."""
        refund = self.flow.cancel()
        self.outputs.returned += refund
        self._release_card()
        self.draft = Draft()
        return refund

    def _release_card(self) -> None:
        slot, self.slot, self.slot_label = self.slot, None, None
        if slot is not None:
            with contextlib.suppress(CardError):
                slot.close()

    # -- the card slot --------------------------------------------------------------------------
    def place_card(self, label: str) -> dict[str, Any]:
        """Lay a stored card on the reader; it stays there until the resident takes it back."""
        if self.pcsc is not None:  # the slot is a real reader: cards are placed on it by hand
            raise Refused("kiosk.card.not_now")
        self._may_place()
        stack = contextlib.ExitStack()
        try:
            card = stack.enter_context(self.cards.open(label, wait=CARD_WAIT))
            reader = card.reader()
        except ValueError as exc:  # not a card label at all
            stack.close()
            raise Refused("card.not_found") from exc
        except CardError as exc:
            stack.close()
            raise card_error(exc) from exc
        return self._lay(stack, reader, label)

    def read_reader_card(self) -> dict[str, Any]:
        """PC/SC: the card the resident put on the real reader starts the visit."""
        if self.pcsc is None:
            raise Refused("card.reader.unavailable")
        self._may_place()
        if not self.pcsc.poll():
            raise Refused("kiosk.card.none")
        stack = contextlib.ExitStack()
        try:
            reader = stack.enter_context(self.pcsc.open())
        except CardError as exc:
            stack.close()
            raise card_error(exc) from exc
        return self._lay(stack, reader, reader.name)

    def watch_reader(self) -> None:
        """PC/SC watcher's tick (worker thread): a card taken off the reader is taken back."""
        if self.pcsc is None:
            return
        present = self.pcsc.poll()
        if present or self.slot is None:
            self._snapshot = {**self._snapshot, "card": self._card_json()} if self._snapshot else {}
            return
        if not self.lock.acquire(timeout=0.5):
            return  # a step is running: it meets the removal itself (CardRemoved), next tick ends it
        try:
            if self.slot is not None and not self.pcsc.present:
                log.info("visit %d: card taken off the PC/SC reader", self.visit)
                self.remove_card(by_reader=True)
            self._snapshot = self._state()
        finally:
            self.lock.release()

    def _may_place(self) -> None:
        if self.slot is not None:
            raise Refused("kiosk.card.in_slot")
        if self.flow.state != "idle":
            raise Refused("kiosk.card.not_now")
        if self._has_leftovers():  # a new resident never sees what the last one left behind
            self.outputs.retain_all(self.visit)

    def _lay(self, stack: contextlib.ExitStack, reader: Any, label: str) -> dict[str, Any]:
        self.slot, self.slot_label = stack, label
        self.visit += 1
        self.ended = None
        self.draft = Draft()
        # From here the card lies on the reader even if reading it fails: the resident takes it back.
        tries = self.flow.place_card(reader)
        return {"visit": self.visit, "tries_left": tries}

    def remove_card(self, *, by_reader: bool = False) -> dict[str, Any]:
        """The resident takes the card back; before the PIN was accepted, that ends the visit."""
        if self.slot is None:
            raise Refused("kiosk.card.none")
        if self.pcsc is not None and not by_reader:  # a real reader: only taking the card off counts
            raise Refused("kiosk.card.not_now")
        before = self.flow.state
        self.flow.remove_card()
        self._release_card()
        if before == "card":
            self.outputs.returned += self.cash.refund()
            self.draft = Draft()
            self.ended = self._ended("card.removed")
        return {"ended": before == "card"}

    # -- PIN, city, menu ------------------------------------------------------------------------------
    def enter_pin(self, pin: str) -> dict[str, Any]:
        if not (len(pin) == 4 and pin.isascii() and pin.isdigit()):
            raise Refused("card.pin.format")
        cities = self.flow.enter_pin(pin)
        return {"cities": [c.model_dump(mode="json") for c in cities]}

    def choose_city(self, kind: str) -> dict[str, Any]:
        """The resident's choice of お住まいの市区町村 (residence) or 本籍地 (honseki)."""
        if self.slot is not None:
            raise Refused("kiosk.card.take")  # the card goes back before anything is chosen
        city = next((c for c in self.flow.cities if c.kind == kind), None)
        if city is None:
            raise Refused("kiosk.city.unavailable")
        menu = self.flow.choose_city(city.city_code)
        self.draft = Draft()
        return {"menu": menu_json(menu)}

    def menu(self) -> dict[str, Any]:
        return {"menu": menu_json(self.flow.menu)}

    def choose_document(self, doc: str) -> dict[str, Any]:
        offer = self.flow.offer(doc)
        if offer.refusal:  # shown greyed out with its reason; never ordered from here
            raise Refused(offer.refusal)
        self.draft = Draft(doc=offer.doc, options={s.name: s.choices[0] for s in offer.options})
        return {"offer": offer_json(offer), "draft": self._draft_json()}

    def _offer(self) -> DocumentOffer:
        if self.draft.doc is None:
            raise Refused("kiosk.document.none")
        return self.flow.offer(self.draft.doc)

    def choose_options(self, options: dict[str, str]) -> dict[str, Any]:
        offer = self._offer()
        for name, value in options.items():
            spec = spec_of(offer, name)
            values = value.split(",") if spec is not None and spec.multiple else [value]
            if spec is None or len(set(values)) != len(values) or any(v not in spec.choices for v in values):
                raise Refused("order.invalid")
        self.draft.options.update(options)
        return {"draft": self._draft_json()}

    def choose_copies(self, copies: int) -> dict[str, Any]:
        offer = self._offer()
        if not 1 <= copies <= offer.max_copies:
            raise Refused("order.copies.invalid")
        self.draft.copies = copies
        return {"draft": self._draft_json()}

    def confirmation(self) -> dict[str, Any]:
        """What the resident confirms: document, options in words, copies and the fee."""
        offer = self._offer()
        chosen = []
        for spec in offer.options:
            if not shown(spec, self.draft.options):
                continue
            value = self.draft.options.get(spec.name, spec.choices[0])
            indexes = [spec.choices.index(v) for v in (value.split(",") if spec.multiple else [value])]
            chosen.append(
                {
                    "name": spec.name,
                    "label_ja": spec.label_ja,
                    "label_en": spec.label_en,
                    "value": value,
                    "value_ja": "、".join(spec.choice_labels_ja[i] for i in indexes),
                    "value_en": ", ".join(spec.choice_labels_en[i] for i in indexes),
                }
            )
        return {
            "doc": offer.doc,
            "title_ja": offer.title_ja,
            "title_en": offer.title_en,
            "options": chosen,
            "copies": self.draft.copies,
            "fee": offer.fee,
            "fee_total": offer.fee * self.draft.copies,
        }

    # -- order, payment, printing -------------------------------------------------------------------
    def order(self) -> dict[str, Any]:
        """Fetch and check the document; only then is the resident asked to pay."""
        offer = self._offer()
        if not self.supplies.can_print(self.draft.copies):
            raise Refused("kiosk.printer.paper_out")
        options = shown_options(offer, self.draft.options)
        document = self.flow.order(offer.doc, options, self.draft.copies)
        if not self.supplies.can_print(document.pages * document.copies):
            self.flow.cancel()  # nothing paid yet; the centre is told the order was cancelled
            self.draft = Draft()
            raise Refused("kiosk.printer.paper_out")
        return {"document": self._document_json()}

    def insert_money(self, amount: int) -> dict[str, Any]:
        if amount not in DENOMINATIONS:
            raise Refused("kiosk.payment.denomination")
        if self.flow.state != "ordered":
            raise Refused("kiosk.payment.not_now")
        inserted = self.cash.insert(amount)
        return {"inserted": inserted}

    def pay_and_print(self) -> dict[str, Any]:
        inserted = self.cash.inserted()
        document = self.flow.document
        pages = document.pages * document.copies if document is not None else 0
        try:
            change = self.flow.pay_and_print()
        except Refused as exc:
            if exc.code == "kiosk.print.failed":
                self.outputs.returned += inserted  # the flow gave it all back
                self.flow.wipe()
                self.draft = Draft()
            raise
        self.outputs.returned += change
        self.supplies.use(pages)
        self.flow.wipe()  # the document now exists only as paper in the tray
        self.draft = Draft()
        return {"change": change}

    def cancel(self) -> dict[str, Any]:
        """やめる / back to the start: refund, card released, documents not taken are retained."""
        refund = self._end_visit()
        self._retain_sheets()
        return {"refund": refund}

    def page_left(self) -> dict[str, Any]:
        """The page was closed or (re)loaded: whatever visit it showed ends here, with a refund."""
        in_visit = self._in_visit()
        refund = self._end_visit()
        left = self._retain_sheets()
        if in_visit or left:
            self.ended = self._ended("kiosk.page.left", refund)
        elif self.outputs.returned == 0:
            self.ended = None  # nothing waits for anyone: no notice to show on the new page
        return {"refund": refund}

    def touch(self) -> dict[str, Any]:
        """The resident touched the screen: the visit is still in use (restarts the idle clock)."""
        return {}

    def take_change(self) -> dict[str, Any]:
        return {"taken": self.outputs.take_change()}

    def take_documents(self) -> dict[str, Any]:
        return {"taken": self.outputs.take_documents()}

    def sheet(self, sheet_id: str) -> Sheet | None:
        return self.outputs.sheet(sheet_id)

    # -- what the screen shows -------------------------------------------------------------------
    def _draft_json(self) -> dict[str, Any]:
        return {"doc": self.draft.doc, "options": dict(self.draft.options), "copies": self.draft.copies}

    def _document_json(self) -> dict[str, Any] | None:
        document = self.flow.document
        if document is None:
            return None
        return {
            "doc": document.doc,
            "title": document.title,
            "copies": document.copies,
            "pages": document.pages,
            "fee_total": document.fee_total,
        }

    def _state(self) -> dict[str, Any]:
        flow = self.flow
        return {
            "busy": False,
            "visit": self.visit,
            "phase": flow.state,
            "ended": self.ended,
            "card": self._card_json(),
            "cities": [c.model_dump(mode="json") for c in flow.cities],
            "menu": menu_json(flow.menu),
            "draft": self._draft_json(),
            "document": self._document_json(),
            "cash": {
                "inserted": self.cash.inserted(),
                "returned": self.outputs.returned,
                "denominations": list(DENOMINATIONS),
            },
            "tray": self.outputs.tray_json(),
            "idle_timeout": self.idle_timeout,
            "idle_left": self._idle_left(),
        }

    def _card_json(self) -> dict[str, Any]:
        reader = self.pcsc.json() if self.pcsc is not None else SIMULATED
        return {"in_slot": self.slot is not None, "label": self.slot_label, "reader": reader}

    def _idle_left(self) -> float | None:
        if not (self._in_visit() or self._has_leftovers()):
            return None
        return round(max(0.0, self.idle_timeout - (self.clock() - self.last_call)), 1)

    def state(self) -> dict[str, Any]:
        """The state for the screen; while a step runs, the last one seen, marked busy. The clock
        is read anew either way."""
        if self.lock.acquire(timeout=0.2):
            try:
                self._expire_if_idle()
                self._snapshot = self._state()
                return {**self._snapshot, "clock": clock_face()}
            finally:
                self.lock.release()
        return {**self._snapshot, "busy": True, "clock": clock_face()}

    @property
    def last_state(self) -> dict[str, Any]:
        """The state as the last step left it."""
        return self._snapshot

    def close(self) -> None:
        """The kiosk shuts down: end any visit."""
        with self.lock, contextlib.suppress(KofuError):
            self._end_visit()

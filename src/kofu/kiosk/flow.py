"""One resident's session at a kiosk, as a state machine shared by the touch screen and `kofu issue`.

    idle ─place_card→ card ─enter_pin→ authenticated ─choose_city→ menu ─order→ ordered
         ─pay_and_print→ done          (cancel() from any state; wipe() always at the end)

The states are `Phase` (`kofu.protocol.kiosk_screen`), which the touch screen shows as they are.

The PIN is checked by the card itself; the centre's challenge is signed only after it. The
document is fetched and checked (it opens with this order's key, its header names this order,
this card and this choice) before any money is taken, and money is kept only once printing
succeeded. After `wipe()` the flow holds nothing about the resident.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu.card.errors import CardError, CardRemoved
from kofu.card.jpki import JpkiDriver
from kofu.card.reader import Reader
from kofu.kiosk.center import CenterLink
from kofu.kiosk.devices import CashUnit, Printer
from kofu.kiosk.journal import Journal, JournaledCash, Reporter
from kofu.kiosk.seals import KioskSeals
from kofu.protocol.envelope import (
    envelope_application,
    open_document,
    open_members,
    open_notices,
    order_binding,
    with_member_labels,
)
from kofu.protocol.errors import Busy, KofuError, LinkFailed, ProtocolViolation, Refused
from kofu.protocol.header import verify_header
from kofu.protocol.kiosk_center import (
    CityChoice,
    DocumentOffer,
    Menu,
    OrderRequest,
    RegistrationRequest,
    RegistrationResult,
)
from kofu.protocol.kiosk_screen import Phase
from kofu.telemetry.visit import order_answered, visit_ends, visit_step

log = logging.getLogger("kofu.kiosk.flow")

#: Seconds a visit keeps asking a busy city before telling the resident to try again later.
BUSY_PATIENCE = 20.0


class FlowError(KofuError):
    """A step taken out of order (a bug in the screen, never the resident's fault)."""

    kind = "protocol"


@dataclass
class IssuedDocument:
    """A checked document waiting for payment; its PDF never leaves the kiosk's memory."""

    order_id: str
    city_code: str
    doc: str
    title: str
    copies: int
    fee_total: int
    pages: int
    issue_number: str
    pdf: bytes = field(repr=False)
    city_name: str = ""
    seal_code: str = field(default="", repr=False)
    idempotency_key: str = ""


def card_error(exc: CardError) -> KofuError:
    """A card failure as an error with the card's stable code (and tries left for a wrong PIN)."""
    tries = getattr(exc, "tries_left", None)
    return Refused(exc.code, "", tries_left=tries)


class KioskFlow:
    """The steps of one resident's visit."""

    def __init__(
        self,
        center: CenterLink,
        cash: CashUnit,
        printer: Printer,
        journal: Journal,
        seals: KioskSeals | None = None,
        reporter: Reporter | None = None,
    ) -> None:
        self.seals = seals or KioskSeals.for_center(center)
        self.center = center
        self.journal = journal
        self.cash: CashUnit = JournaledCash(cash, journal)
        self.printer = printer
        self.reporter = reporter or Reporter(journal, center)
        self.state = Phase.IDLE
        self._reset()

    def _reset(self) -> None:
        self.reader: Reader | None = None
        self.driver: JpkiDriver | None = None
        self.certificate: bytes | None = None
        self.card_serial: str | None = None
        self.token: str | None = None
        self.cities: list[CityChoice] = []
        self.menu: Menu | None = None
        self.document: IssuedDocument | None = None

    def _expect(self, *states: Phase) -> None:
        if self.state not in states:
            raise FlowError("kiosk.flow", f"step not allowed in state {self.state}")

    # -- card and PIN -------------------------------------------------------------------------
    @visit_step("kiosk.card", begins=True)
    def place_card(self, reader: Reader) -> int:
        """Read the card's authentication certificate; return the PIN tries left."""
        self._expect(Phase.IDLE)
        try:
            reader.connect()
            driver = JpkiDriver(reader)
            driver.select_jpki()
            certificate = driver.read_auth_certificate()
            tries = driver.auth_pin_tries_left()
        except CardError as exc:
            raise card_error(exc) from exc
        try:
            serial = format(x509.load_der_x509_certificate(certificate).serial_number, "X")
        except ValueError as exc:
            raise Refused("card.certificate.malformed") from exc
        if tries == 0:
            reader.disconnect()  # nothing to do with a blocked card: the visit never starts
            raise Refused("card.pin.blocked")
        self.reader, self.driver, self.certificate, self.card_serial = reader, driver, certificate, serial
        self.state = Phase.CARD
        return tries

    @visit_step("kiosk.pin")
    def enter_pin(self, pin: str) -> list[CityChoice]:
        """VERIFY on the card, then sign the centre's challenge; return the cities offered."""
        self._expect(Phase.CARD)
        assert self.driver is not None and self.certificate is not None and self.reader is not None
        if not self.reader.card_present():
            self.cancel()
            raise Refused("card.removed")
        try:
            self.driver.verify_auth_pin(pin)
            challenge = self.center.open_session()
            signature = self.driver.sign(hashlib.sha256(challenge.challenge).digest())
        except CardRemoved as exc:
            self.cancel()
            raise card_error(exc) from exc
        except CardError as exc:
            raise card_error(exc) from exc
        authenticated = self.center.authenticate(challenge.session_id, self.certificate, signature)
        self.token, self.cities = authenticated.session_token, authenticated.cities
        self.state = Phase.AUTHENTICATED
        return self.cities

    def remove_card(self) -> None:
        """The card left the reader: fine once authenticated, a cancellation before."""
        if self.reader is not None:
            self.reader.disconnect()
        if self.state in (Phase.IDLE, Phase.CARD):
            self.cancel()
        self.reader = self.driver = None

    # -- menu, order, payment, printing ---------------------------------------------------------
    @visit_step("kiosk.menu")
    def choose_city(self, city_code: str) -> Menu:
        self._expect(Phase.AUTHENTICATED, Phase.MENU)
        assert self.token is not None and self.card_serial is not None
        key = X25519PrivateKey.generate()  # for this menu only: member names come sealed to it
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        menu = self.center.menu(self.token, city_code, raw)
        if menu.member_envelope is not None:
            labels = open_members(menu.member_envelope, key, menu.city_code, self.card_serial)
            menu = with_member_labels(menu, labels)
        self.menu = menu
        self.state = Phase.MENU
        return self.menu

    def apply_registration(self, city_code: str, honseki: str, hittosha: str) -> RegistrationResult:
        """Apply for 利用登録 at the 本籍地 city: 本籍 and 筆頭者 travel sealed for that city."""
        self._expect(Phase.AUTHENTICATED, Phase.MENU)
        assert self.token is not None and self.card_serial is not None
        key = self.center.registration_key(self.token, city_code)
        application = envelope_application(honseki, hittosha, key, city_code, self.card_serial)
        request = RegistrationRequest(city_code=city_code, application=application)
        return self.center.register(self.token, request)

    def notices(self) -> list[dict[str, str]]:
        """本人通知: what each of the card's cities issued in the holder's name in the last 12
        months, newest first; each city's answer opens only with a key made for it here."""
        self._expect(Phase.AUTHENTICATED, Phase.MENU)
        assert self.token is not None and self.card_serial is not None
        found: list[dict[str, str]] = []
        for choice in self.cities:
            key = X25519PrivateKey.generate()
            raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            answer = self.center.notices(self.token, choice.city_code, raw)
            found += open_notices(answer.envelope, key, choice.city_code, self.card_serial)
        return sorted(found, key=lambda e: (e.get("date", ""), e.get("city_code", "")), reverse=True)

    def offer(self, doc: str) -> DocumentOffer:
        self._expect(Phase.MENU)
        assert self.menu is not None
        for offer in self.menu.documents:
            if offer.doc == doc:
                return offer
        raise Refused("city.document.not_offered")

    @visit_step("kiosk.order")
    def order(self, doc: str, options: dict[str, str], copies: int) -> IssuedDocument:
        """Order a document and check it before anything is paid or printed.

        A busy city (``city.busy``) is asked again after the time it gives, within ``BUSY_PATIENCE``
        seconds of the visit; then the resident is told to try again later.
        """
        offer = self.offer(doc)
        assert self.menu is not None and self.token is not None and self.card_serial is not None
        if not 1 <= copies <= offer.max_copies:
            raise Refused("order.copies.invalid")
        self.seals.trust_list()  # no trust list, no order: nothing could be checked
        patience = time.monotonic() + BUSY_PATIENCE
        while True:
            try:
                return self._order_once(offer, options, copies)
            except Busy as busy:
                if time.monotonic() + busy.retry_after > patience:
                    raise
                time.sleep(busy.retry_after)

    def _order_once(self, offer: DocumentOffer, options: dict[str, str], copies: int) -> IssuedDocument:
        assert self.menu is not None and self.token is not None and self.card_serial is not None
        key = X25519PrivateKey.generate()
        request = OrderRequest(
            city_code=self.menu.city_code,
            doc=offer.doc,
            options=options,
            copies=copies,
            kiosk_public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            idempotency_key=secrets.token_hex(16),
        )
        self.journal.ordering(request.idempotency_key, request.city_code, request.doc, copies)
        try:
            result = self.center.order(self.token, request)
            order_answered(result)  # what arrived, in what form (kofu.telemetry)
        except LinkFailed:
            self.journal.ended(request.idempotency_key, None, "cancelled", 0)  # the centre may have it
            self.reporter.poke()
            raise
        except KofuError:
            self.journal.ended(request.idempotency_key, None, "refused", 0)
            self.journal.acked_all(request.idempotency_key)  # refused before any order id: nothing to tell
            raise
        if result.status == "refused" or result.envelope is None:
            self.journal.ended(request.idempotency_key, result.order_id, "refused", 0)
            self.journal.acked_all(request.idempotency_key)
            code = result.error.code if result.error else "order.invalid"
            raise Refused(code)
        expected = order_binding(result.order_id, self.card_serial, offer.doc, copies)
        opened = None
        try:
            opened = open_document(result.envelope, key, result.order_id)
            header = verify_header(opened.raw_header, opened.signature, self.seals.header_key)
            if (header.order_id, header.city_code, header.doc, header.copies, header.binding) != (
                result.order_id,
                self.menu.city_code,
                offer.doc,
                copies,
                expected,
            ):
                raise ProtocolViolation("order.mismatch", "document is not for this order")
            seal_code = self.seals.check(
                opened.pdf,
                city=self.menu.city_code,
                doc=offer.doc,
                issue_number=header.issue_number,
                binding=expected,
                pages=header.pages,
            )
        except ProtocolViolation:
            proof = None
            if opened is not None:
                proof = {
                    "header": base64.b64encode(opened.raw_header).decode(),
                    "signature": base64.b64encode(opened.signature).decode(),
                    "session_token": self.token,
                }
            self.journal.misissuance(request.idempotency_key, result.order_id, proof)
            self.reporter.flush()
            raise
        self.journal.ordered(request.idempotency_key, result.order_id, result.fee_total or 0)
        self.reporter.poke()
        self.document = IssuedDocument(
            order_id=result.order_id,
            city_code=header.city_code,
            doc=header.doc,
            title=offer.title_ja,
            copies=copies,
            fee_total=result.fee_total or 0,
            pages=header.pages,
            issue_number=header.issue_number,
            pdf=opened.pdf,
            city_name=self.menu.city_name,
            seal_code=seal_code,
            idempotency_key=request.idempotency_key,
        )
        self.state = Phase.ORDERED
        return self.document

    @visit_step("kiosk.print")
    def pay_and_print(self) -> int:
        """Print once enough money is in; keep the fee only if printing worked. Returns change.

        The journal has the money in escrow before the printer starts, and the fee kept before
        the cash unit keeps it, so a crash at any point is closed with the truth on restart.
        """
        self._expect(Phase.ORDERED)
        document = self.document
        assert document is not None
        if self.cash.inserted() < document.fee_total:
            raise Refused("kiosk.payment.insufficient")
        self.journal.printing(document.idempotency_key, self.cash.inserted())
        try:
            sheets = self.seals.sheets(document.pdf, document.city_name, document.seal_code)
            self.printer.print_document(sheets, document.copies, document.title)
        except Exception as exc:
            refund = self.cash.refund()
            self.journal.ended(document.idempotency_key, document.order_id, "failed", refund)
            self._report_now()
            self.state = Phase.DONE
            raise Refused("kiosk.print.failed") from exc
        change = self.cash.inserted() - document.fee_total
        self.journal.printed(
            document.idempotency_key, document.order_id, document.fee_total, change, document.copies
        )
        self.cash.collect(document.fee_total)
        self._report_now()
        self.state = Phase.DONE
        return change

    def cancel(self) -> int:
        """Abandon the visit: an unpaid document is dropped (and reported), money is returned."""
        refund = self.cash.refund()
        if self.state == Phase.ORDERED and self.document is not None:
            self.journal.ended(self.document.idempotency_key, self.document.order_id, "cancelled", refund)
            self._report_now()
        elif refund:
            self.journal.cash("refund", refund)
        self.wipe()
        return refund

    def _report_now(self) -> None:
        """Send the journal's reports now; what the centre does not take now is sent later."""
        try:
            self.reporter.flush()
        except Exception:  # the journal keeps them; the reporter tries again
            log.exception("reports could not be sent now; the journal keeps them")
            self.reporter.poke()

    @visit_ends
    def wipe(self) -> None:
        """Forget everything about the resident."""
        if self.reader is not None:
            with contextlib.suppress(CardError):
                self.reader.disconnect()
        self._reset()
        self.state = Phase.IDLE

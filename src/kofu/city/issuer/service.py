"""What the issuer does with one request: menu or order, from the live registry.

Each request is handled in its own database session and its own variables, start to finish:
card → resident in one read, rules, render, re-read the rendered text to confirm it names that
resident and household and nobody else, seal for the ordering kiosk. Nothing is shared between
requests but the database, so two orders can never cross.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from kofu.city.issuer import catalog
from kofu.city.issuer.eligibility import check_resident
from kofu.city.issuer.juminhyo import build_juminhyo
from kofu.city.registry.models import CitySetting
from kofu.city.registry.queries import household_members, next_issue_number, resident_for_card
from kofu.documents.text import extract_text, page_count
from kofu.protocol.envelope import DocumentHeader, order_binding, seal
from kofu.protocol.errors import KofuError, ProtocolViolation, Refused
from kofu.protocol.messages import CityRequest, CityResponse, Menu, OrderRequest, OrderResult

JST = ZoneInfo("Asia/Tokyo")


def _today() -> date:
    return datetime.now(JST).date()


class IssuerService:
    """The issuance server of one city."""

    def __init__(self, city_code: str, db: sessionmaker[Session], today: Callable[[], date] = _today) -> None:
        self.city_code = city_code
        self.db = db
        self.today = today

    def handle(self, request: CityRequest) -> CityResponse:
        """Answer one request; refusals travel as values, never as crashes."""
        try:
            if request.city_code != self.city_code:
                raise ProtocolViolation("protocol.wrong_city", "request for another city")
            if request.kind == "menu":
                return CityResponse(request_id=request.request_id, menu=self.menu(request))
            return CityResponse(request_id=request.request_id, order=self.order(request))
        except Refused as exc:
            if request.kind == "order" and request.order_id:
                refused = OrderResult(order_id=request.order_id, status="refused", error=exc.problem())
                return CityResponse(request_id=request.request_id, order=refused)
            return CityResponse(request_id=request.request_id, error=exc.problem())
        except KofuError as exc:
            return CityResponse(request_id=request.request_id, error=exc.problem())

    def menu(self, request: CityRequest) -> Menu:
        """The documents this card holder can order now."""
        with self.db() as session:
            check_resident(resident_for_card(session, request.card_serial))
            setting = self._setting(session)
        documents = [offer.to_message() for offer in catalog.OFFERS.values()]
        return Menu(city_code=self.city_code, city_name=setting.city_name, documents=documents)

    def order(self, request: CityRequest) -> OrderResult:
        """Issue the ordered document, sealed for the ordering kiosk."""
        order, order_id = request.order, request.order_id
        if order is None or order_id is None:
            raise ProtocolViolation("protocol.invalid", "order request without an order")
        offer = catalog.offer_for(order.doc)
        options = offer.resolve_options(order.options)
        if order.copies > catalog.MAX_COPIES:
            raise Refused("order.copies.invalid", "too many copies")
        pdf, issue_number, expected = self._render(request.card_serial, order, options)
        self._confirm(pdf, expected)
        header = DocumentHeader(
            order_id=order_id,
            city_code=self.city_code,
            doc=order.doc,
            copies=order.copies,
            pages=page_count(pdf),
            issue_number=issue_number,
            binding=order_binding(order_id, request.card_serial, order.doc, order.copies),
            pdf_sha256=_sha256(pdf),
        )
        return OrderResult(
            order_id=order_id,
            status="issued",
            envelope=seal(header, pdf, order.kiosk_public_key),
            fee_total=offer.fee * order.copies,
            pages=header.pages,
        )

    def _render(
        self, card_serial: str, order: OrderRequest, options: dict[str, str]
    ) -> tuple[bytes, str, list[str]]:
        with self.db.begin() as session:
            resident = check_resident(resident_for_card(session, card_serial))
            members = [resident]
            if options.get("household") == "all":
                members = household_members(session, resident.household_id)
                for member in members:  # the whole household obeys the same rules as the holder
                    check_resident(member)
            setting = self._setting(session)
            today = self.today()
            issue_number = next_issue_number(session, self.city_code, today.year)
            data = build_juminhyo(setting, resident, members, options, issue_number, today)
            names = [m.name for m in members]
        from kofu.documents.juminhyo import render_juminhyo

        return render_juminhyo(data), issue_number, names

    @staticmethod
    def _confirm(pdf: bytes, expected_names: list[str]) -> None:
        """Re-read the rendered document: it must name exactly the people it was made for."""
        text = extract_text(pdf)
        if not all(name in text for name in expected_names):
            raise KofuError("document.render_failed", "rendered document does not name its subject")

    def _setting(self, session: Session) -> CitySetting:
        setting = session.get(CitySetting, self.city_code)
        if setting is None:
            raise ProtocolViolation("city.unavailable", "city settings missing")
        return setting


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()

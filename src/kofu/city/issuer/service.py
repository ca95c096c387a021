"""What the issuer does with one request: menu, order or 利用登録, from the live registry.

Each request is handled in its own database session and its own variables, start to finish:
card → resident (or register) in one read, city settings, rules, render, re-read the rendered
text to confirm it names the people it was made for and nobody else of the household, seal for
the ordering kiosk. Nothing is shared between requests but the database, so two orders can
never cross. Settings are read on every request: a change by staff applies to the next one.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.city.issuer import catalog, issuances, ledger, refusals, registrations
from kofu.city.issuer.documents import Prepared, prepare
from kofu.city.issuer.eligibility import (
    check_age,
    check_copies,
    check_document,
    check_resident,
    check_seal,
    check_tax,
)
from kofu.city.issuer.keys import IssuerKeys
from kofu.city.issuer.sealkeys import header_signer, seal_key
from kofu.city.issuer.subject import Subject, document_options, load_subject
from kofu.city.registry.models import DOCUMENTS, WHOLE_MENU, CitySetting, DocumentSetting
from kofu.city.registry.queries import city_settings
from kofu.documents.issue import IssuedDocument, issue_document
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths
from kofu.protocol.center_gateway import (
    CityRequest,
    CityResponse,
    HeadsCall,
    MenuCall,
    NoticeCall,
    OrderCall,
    OutcomeCall,
    StatusCall,
)
from kofu.protocol.envelope import DocumentHeader, envelope_document, envelope_members, order_binding
from kofu.protocol.errors import KofuError, LinkFailed, ProtocolViolation, Refused
from kofu.protocol.kiosk_center import DocumentOffer, Menu, OrderResult
from kofu.sealcode.content import PageContent, normalise_text
from kofu.sealcode.errors import DocumentError
from kofu.telemetry.tracing import traced


class IssuerService:
    """The issuance server of one city."""

    def __init__(
        self,
        city_code: str,
        db: sessionmaker[Session],
        pki: PkiPaths,
        *,
        today: Callable[[], date] | None = None,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.pki = pki
        self.city_code = city_code
        self.db = db
        self.now = now
        self._today = today
        self.today = today or (lambda: clock.japan_date(self.now()))
        self.keys = IssuerKeys.load(city_code, pki)

    def handle(self, request: CityRequest) -> CityResponse:
        """Answer one request; refusals travel as values, never as crashes."""
        rid = request.request_id
        try:
            if request.city_code != self.city_code:
                raise ProtocolViolation("protocol.wrong_city", "request for another city")
            if isinstance(request, MenuCall):
                return CityResponse(request_id=rid, menu=self.menu(request))
            if isinstance(request, OrderCall):
                return CityResponse(request_id=rid, order=self.order(request))
            if isinstance(request, StatusCall):
                return CityResponse(request_id=rid, statuses=issuances.statuses(self.db, request.order_ids))
            if isinstance(request, OutcomeCall):
                recorded, unknown = issuances.record_outcomes(self.db, request.outcomes)
                return CityResponse(request_id=rid, recorded=recorded, unknown=unknown)
            if isinstance(request, NoticeCall | HeadsCall):
                return ledger.handle(self, request)  # 本人通知 and the log's heads (kofu.city.issuer.ledger)
            return registrations.handle(self, request)
        except Refused as exc:
            if isinstance(request, OrderCall):
                refused = OrderResult(order_id=request.order_id, status="refused", error=exc.problem())
                return CityResponse(request_id=rid, order=refused)
            if isinstance(request, MenuCall) and request.city_code == self.city_code:
                self._note_refusals(request, [(WHOLE_MENU, exc.code)])
            return CityResponse(request_id=rid, error=exc.problem())
        except KofuError as exc:
            return CityResponse(request_id=rid, error=exc.problem())

    # -- menu -------------------------------------------------------------------------------------
    def menu(self, request: MenuCall) -> Menu:
        """The documents this card holder can order now, with the city's live settings; what it
        refuses early is counted (``refusals``)."""
        menu = self._menu(request)
        self._note_refusals(request, [(o.doc, o.refusal) for o in menu.documents if o.refusal])
        return menu

    def _menu(self, request: MenuCall) -> Menu:
        now = self.now()
        with self.db() as session:
            setting = self._setting(session)
            subject = load_subject(session, request.card_serial)
            _check_subject(subject, now)
            offers: list[DocumentOffer] = []
            labels: dict[str, dict[str, str]] = {}
            for doc in DOCUMENTS:
                document = setting.document(doc)
                if document is None or not document.offered or not _applies(doc, subject):
                    continue
                options = document_options(
                    doc, subject, setting, self.keys, members=request.menu_key is not None
                )
                refusal = _menu_refusal(session, doc, subject, setting, document, now)
                offers.append(catalog.menu_offer(doc, document, setting.copy_limit, options.specs, refusal))
                labels.update(options.labels())
            members = None
            if request.menu_key is not None and labels:
                members = envelope_members(labels, request.menu_key, self.city_code, request.card_serial)
            return Menu(
                city_code=self.city_code,
                city_name=setting.city_name,
                documents=offers,
                member_envelope=members,
            )

    def _note_refusals(self, request: MenuCall, told: list[tuple[str, str]]) -> None:
        """Count what this menu refused (``refusals``), once per card session."""
        if not told:
            return
        now = self.now()
        with contextlib.suppress(SQLAlchemyError):  # a count never changes the resident's answer
            refusals.record(self.db, request.session_id or request.request_id, self._day(now), now, told)

    # -- order ------------------------------------------------------------------------------------
    def order(self, request: OrderCall) -> OrderResult:
        """Issue the ordered document, in an envelope for the ordering kiosk — once per order id:
        an order delivered again gets the same document and issue number (``issuances``)."""
        order, order_id = request.order, request.order_id
        catalog.offer_for(order.doc)
        for _attempt in range(3):
            done = issuances.earlier(self.db, order_id)
            if done is not None:
                return done
            try:
                return self._issue(request)
            except IntegrityError:
                continue  # another worker took this order's first number a moment ago: ask again
        raise LinkFailed("city.unavailable", "the order could not be taken")

    def _issue(self, request: OrderCall) -> OrderResult:
        order, order_id = request.order, request.order_id
        now = self.now()
        today = self._day(now)
        with self.db.begin() as session:  # every rule and every row of this order: one transaction
            setting = self._setting(session)
            fee = check_document(setting, order.doc, now).fee
            check_copies(setting, order.copies)
            resident_doc = order.doc in catalog.RESIDENT_DOCS
            subject = load_subject(session, request.card_serial, with_register=not resident_doc)
            if resident_doc or subject.resident is not None:
                check_resident(subject.resident)
            _check_subject(subject, now)
            if not _applies(order.doc, subject):
                raise Refused("city.koseki.not_found", "no register here for this card")
            choices = document_options(order.doc, subject, setting, self.keys)
            options = catalog.resolve_options(choices.specs, order.options)
            issue_number = issuances.take_number(
                session,
                city_code=self.city_code,
                order_id=order_id,
                year=today.year,
                doc=order.doc,
                copies=order.copies,
                fee_total=fee * order.copies,
                kiosk_id=request.kiosk_id,
                holder_resident_id=subject.resident.id if subject.resident is not None else None,
                named=[subject.resident.id] if subject.resident is not None else [],
            )
            prepared = prepare(session, order.doc, subject, setting, options, choices, issue_number, today)
            ledger.record_named(session, order_id, subject, prepared.expected)  # whom it names (本人通知)
        binding = order_binding(order_id, request.card_serial, order.doc, order.copies)
        try:
            issued = self._document(order.doc, prepared, issue_number, binding)
        except Refused as exc:
            issuances.refused(self.db, order_id, exc.code)
            raise
        pdf = issued.pdf
        header = DocumentHeader(
            order_id=order_id,
            city_code=self.city_code,
            doc=order.doc,
            copies=order.copies,
            pages=len(issued.pages),
            issue_number=issue_number,
            binding=binding,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        )
        envelope = envelope_document(
            header, pdf, order.kiosk_public_key, header_signer(self.pki, self.city_code)
        )
        issuances.sealed(
            self.db, order_id, pages=header.pages, envelope=envelope, fee_total=fee * order.copies
        )
        return OrderResult(
            order_id=order_id,
            status="issued",
            envelope=envelope,
            fee_total=fee * order.copies,
            pages=header.pages,
        )

    def _day(self, now: datetime) -> date:
        """The issue date of an order checked at ``now``: from the same reading of the clock, so the
        hours checked and the date printed never fall on two sides of midnight."""
        return self._today() if self._today is not None else clock.japan_date(now)

    def _document(self, doc: str, prepared: Prepared, issue_number: str, binding: str) -> IssuedDocument:
        """The finished document (rendered, sealed, checked: one call into ``documents``),
        confirmed to name exactly the people it was made for."""
        try:
            seal = seal_key(self.pki, self.city_code)
        except PkiError as exc:
            raise KofuError("document.render_failed", f"sealing failed: {exc}") from exc
        try:
            issued = issue_document(doc, prepared.data, seal=seal, issue_number=issue_number, binding=binding)
        except DocumentError as exc:
            if exc.code == "document.too_long":
                raise Refused("document.too_long", "a name or address exceeds the layout") from exc
            detail = exc.args[0] if exc.code == "document.render_failed" else exc.code
            raise KofuError("document.render_failed", detail) from exc
        self._confirm(issued.pages, prepared, issue_number)
        return issued

    @staticmethod
    @traced("issuer.confirm")
    def _confirm(content: tuple[PageContent, ...], prepared: Prepared, issue_number: str) -> None:
        """The document names exactly the people it was made for, and every page carries its
        issue number: read from the text the renderer drew on each page (sealing has checked
        that the finished PDF's text layer is exactly this text)."""
        pages = [normalise_text(page.text()) for page in content]
        text = "".join(pages)
        if not all(normalise_text(name) in text for name in prepared.expected):
            raise KofuError("document.render_failed", "rendered document does not name its subject")
        if any(normalise_text(name) in text for name in prepared.absent):
            raise KofuError("document.render_failed", "rendered document names someone not chosen")
        if not all(normalise_text(issue_number) in page for page in pages):
            raise KofuError("document.render_failed", "a page does not carry the issue number")

    def _setting(self, session: Session) -> CitySetting:
        setting = city_settings(session, self.city_code)
        if setting is None:
            raise ProtocolViolation("city.unavailable", "city settings missing")
        return setting


def _applies(doc: str, subject: Subject) -> bool:
    if doc in catalog.REGISTER_DOCS:
        return subject.register is not None
    return subject.resident is not None


def _check_subject(subject: Subject, now: datetime) -> None:
    """Rules about the person that refuse every document (the menu refuses as a whole)."""
    if not subject.known:
        raise Refused("city.resident.not_found")
    if subject.resident is not None:
        check_resident(subject.resident)
        check_age(subject.resident, now)


def _menu_refusal(
    session: Session,
    doc: str,
    subject: Subject,
    setting: CitySetting,
    document: DocumentSetting,
    now: datetime,
) -> str | None:
    """What the menu can tell early: outside hours, no seal registration, no tax certificate."""
    if not document.open_at(now):
        return "city.document.outside_hours"
    try:
        if doc == "inkan" and subject.resident is not None:
            check_seal(session, subject.resident)
        if doc == "kazei" and subject.resident is not None:
            codes = []
            for year in sorted(setting.kazei_fiscal_years or [], reverse=True):
                try:
                    check_tax(session, setting, subject.resident, year)
                    return None
                except Refused as exc:
                    codes.append(exc.code)
            return codes[0] if codes else "city.kazei.year_not_offered"
    except Refused as exc:
        return exc.code
    return None

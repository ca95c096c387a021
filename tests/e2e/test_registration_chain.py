"""利用登録 through the whole chain: apply at the kiosk → pending → approve → route → koseki.

Each test applies with a card of its own (the ``own`` fixture) whose register is kept in the
other demo city and that has no registration yet. The application travels sealed: the centre's
database and logs never see the 本籍 or the applicant's name (the privacy scan covers them).
"""

from __future__ import annotations

import pytest

from kofu.card.store import CardStore
from kofu.city.issuer import staff
from kofu.documents.text import extract_text
from kofu.kiosk.headless import register_once
from kofu.protocol.codes import message_for
from kofu.protocol.errors import KofuError
from tests.e2e.helpers import center_link, journal_of, registry
from tests.e2e.rules_helpers import issue, kofu

pytestmark = pytest.mark.e2e


def test_apply_approve_route_then_koseki_from_the_honseki_city(chain, chain_settings, own):
    card = own(traits=("adult", "honseki-elsewhere")).card
    holder = next(r for r in registry(chain_settings, card.city) if r.id == card.resident_id)
    city = holder.honseki_city_code
    assert city is not None and city != card.city

    # Before: the 本籍地 city is not offered to this card.
    with pytest.raises(KofuError) as refused:
        issue(chain_settings, card, "koseki", city=city)
    assert refused.value.code == "city.document.not_offered"

    # Apply at the kiosk: 本籍 and 筆頭者 as the resident types them (spaces and all).
    center = center_link(chain_settings)
    try:
        result = register_once(
            center,
            CardStore(chain_settings.cards_dir),
            card.card,
            card.pin,
            city,
            holder.honseki or "",
            (holder.hittosha or "").replace("\u3000", " "),
            journal=journal_of(chain_settings),
        )
    finally:
        center.close()
    assert result.status == "pending" and result.city_code == city
    pending = [r for r in staff.list_registrations(chain_settings, city) if r.id == result.registration_id]
    assert pending and pending[0].applicant_name == holder.name  # from the residence record
    assert pending[0].applicant_birth_date == holder.birth_date

    listed = kofu(chain_settings, "city", "registrations", "list", "--city", city)
    assert f"#{result.registration_id}" in listed.stdout
    with pytest.raises(KofuError):  # still pending: not routed
        issue(chain_settings, card, "koseki", city=city)

    approved = kofu(
        chain_settings, "city", "registrations", "approve", "--city", city, str(result.registration_id)
    )
    assert approved.returncode == 0, approved.stderr

    _issued, pdf = issue(chain_settings, card, "koseki", {"scope": "kojin"}, city=city)
    text = "".join(extract_text(pdf).split())
    assert f"【名】{holder.given_name}" in text and "個人事項証明" in text
    _issued, pdf = issue(chain_settings, card, "fuhyo", city=city)
    assert holder.name in extract_text(pdf)


def test_applying_for_another_register_while_one_is_live_is_refused(chain, chain_settings, own):
    card = own(traits=("adult", "honseki-elsewhere")).card
    holder = next(r for r in registry(chain_settings, card.city) if r.id == card.resident_id)
    city = holder.honseki_city_code
    assert city is not None
    center = center_link(chain_settings)
    try:
        store = CardStore(chain_settings.cards_dir)
        journal = journal_of(chain_settings)
        wrong = register_once(
            center, store, card.card, card.pin, city, "架空県架空市1番地", "架空　太郎", journal=journal
        )
        assert wrong.status == "pending"
        with pytest.raises(KofuError) as refused:
            register_once(
                center,
                store,
                card.card,
                card.pin,
                city,
                holder.honseki or "",
                holder.hittosha or "",
                journal=journal,
            )
        assert refused.value.code == "city.registration.exists"
    finally:
        center.close()
    # Staff cannot approve an application whose register is not kept here: reject it.
    denied = kofu(
        chain_settings, "city", "registrations", "approve", "--city", city, str(wrong.registration_id)
    )
    assert denied.returncode == 3 and "city.registration.mismatch" in denied.stderr
    assert message_for("city.registration.mismatch").ja in denied.stderr  # the words, for staff too
    rejected = kofu(
        chain_settings,
        "city",
        "registrations",
        "reject",
        "--city",
        city,
        str(wrong.registration_id),
        "--reason",
        "no such register",
    )
    assert rejected.returncode == 0, rejected.stderr

"""戸籍 and 附票 queries. Registers live in the 本籍地 city's database.

Two ways in: by 本籍 and 筆頭者 (what a 利用登録 applicant gives, or the resident's own
``honseki``/``hittosha`` when ``honseki_city_code`` is this city), or by the resident link of a
member living in this city. Both return the whole register, members and 身分事項 loaded, in
three statements.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from kofu.city.registry.models import FuhyoEntry, KosekiMember, KosekiRegister

_WHOLE_REGISTER = selectinload(KosekiRegister.members).selectinload(KosekiMember.events)


def compact(text: str) -> str:
    """Text as typed compared as stored: NFKC (full-width digits → ASCII) without any spaces.

    ``山田　太郎``, ``山田 太郎`` and ``山田太郎`` compare equal; IVS sequences and 﨑 are kept.
    """
    return "".join(unicodedata.normalize("NFKC", text).split())


def koseki_by_honseki(session: Session, honseki: str, hittosha: str) -> KosekiRegister | None:
    """The register with this 本籍 and 筆頭者 (spaces and full-width digits ignored), or None.

    本籍 is stored in ``compact`` form (the seed and the writers guarantee it).

    Three SELECTs: the register, its members (by ``position``), their events (by ``position``).
    """
    stmt = (
        select(KosekiRegister)
        .where(
            KosekiRegister.honseki == compact(honseki),  # stored compact, so the index applies
            func.replace(func.replace(KosekiRegister.hittosha, " ", ""), "\u3000", "") == compact(hittosha),
        )
        .options(_WHOLE_REGISTER)
    )
    return session.scalars(stmt).one_or_none()


def koseki_for_resident(session: Session, resident_id: int) -> KosekiMember | None:
    """The resident's current entry (not 除籍) in a register kept here, or None.

    ``member.register`` comes loaded with every member and event (three SELECTs). None when the
    resident's 本籍 is in another city (``Resident.honseki_city_code``) or they are foreign.
    """
    stmt = (
        select(KosekiMember)
        .join(KosekiMember.register)
        .where(KosekiMember.resident_id == resident_id, KosekiMember.removed.is_(False))
        .options(contains_eager(KosekiMember.register).options(_WHOLE_REGISTER))
    )
    return session.scalars(stmt).unique().one_or_none()


def find_member(register: KosekiRegister, name: str, birth_date: date) -> KosekiMember | None:
    """The current (not 除籍) member of a loaded register with this name and birth date."""
    wanted = compact(name)
    return next(
        (
            m
            for m in register.members
            if not m.removed and m.birth_date == birth_date and compact(m.name) == wanted
        ),
        None,
    )


def fuhyo_for_register(session: Session, koseki_id: int) -> list[FuhyoEntry]:
    """The register's 附票: every member's addresses, by member ``position`` then oldest first.

    One SELECT; each entry's ``member`` comes loaded (name, birth date, sex, 除籍 mark).
    """
    stmt = (
        select(FuhyoEntry)
        .join(FuhyoEntry.member)
        .where(FuhyoEntry.koseki_id == koseki_id)
        .order_by(KosekiMember.position, FuhyoEntry.position)
        .options(contains_eager(FuhyoEntry.member))
    )
    return list(session.scalars(stmt))

"""From registry rows to each document's data (one small module per document type).

    juminhyo  build_juminhyo(setting, holder, members, options, issue_number, today)
    inkan     build_inkan(setting, resident, registration, issue_number, today)
    koseki    build_koseki(setting, register, scope, selected, issue_number, today)
    fuhyo     build_fuhyo(setting, register, entries, include_honseki, issue_number, today)
    kazei     build_kazei(setting, resident, record, issue_number, today)

Every builder is pure: it reads the rows it is given and returns a frozen dataclass of
``kofu.documents``; the issuer renders it with ``kofu.documents.render``. What every document
says of its issue (city, mayor, issue number and day) comes from :func:`issued`.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from kofu.city.registry.models import CitySetting


class Issued(TypedDict):
    """The fields of :class:`kofu.documents.blocks.Issue` (every document's data begins with them)."""

    city_name: str
    mayor_name: str
    issue_number: str
    issue_date: date


def issued(setting: CitySetting, issue_number: str, issue_date: date) -> Issued:
    """The issue fields of a document the city of ``setting`` issues today as ``issue_number``."""
    return Issued(
        city_name=setting.city_name,
        mayor_name=setting.mayor_name,
        issue_number=issue_number,
        issue_date=issue_date,
    )

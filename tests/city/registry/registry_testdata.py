"""Constants shared by the registry tests (kept out of conftest so it can be imported)."""

from datetime import date

AS_OF = date(2026, 11, 29)
NISHITOKYO = "132292"
KODAIRA = "132110"

"""Typed settings, in one place.

Everything an actor needs to know about where things are comes from `Settings`, built from the
environment once per process (`Settings.from_env()`) and passed down. Defaults give the demo
topology of `kofu up`: one centre, two cities (each a gateway and an issuer), one kiosk, all on
loopback with SQLite files under `var/`.

Environment: KOFU_VAR (state directory), KOFU_PORT_BASE (centre port; gateways follow it),
KOFU_KIOSK_PORT, KOFU_CENTER_DB and KOFU_CITY_DB_<code> (SQLAlchemy URLs), KOFU_SEED,
KOFU_HOUSEHOLDS, KOFU_ISSUER_WORKERS, KOFU_KIOSK_IDLE_TIMEOUT (seconds without a touch before the
kiosk ends a visit; maintenance can change it while the kiosk runs), KOFU_PUBLIC_VERIFY_URL (the
centre's public verification page as printed on the back of every sheet; default: the public
address). The kiosk's devices: KOFU_READER (emulated | pcsc) and KOFU_READER_NAME, KOFU_CASH
and KOFU_PRINTER (simulated | module:factory), KOFU_SPEAKER (page | module:factory) and
KOFU_CARD_PANEL (none | module:factory: the simulated card slot's list of cards; `kofu up` names
the demo's) — see `kofu.kiosk.equipment`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kofu.pki.paths import PkiPaths

DEMO_CITIES: tuple[str, ...] = ("132292", "132110")
DEMO_KIOSK = "K0001"
PUBLIC_PORT_OFFSET = 9  # the centre's public port is port_base + 9


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a number, not {raw!r}") from exc


def _reader(value: str) -> str:
    if value not in ("emulated", "pcsc"):
        raise SystemExit(f"KOFU_READER must be emulated or pcsc, not {value!r}")
    return value


_BACKEND = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


def _backend(env: dict[str, str], name: str, builtin: str) -> str:
    """A device backend: the built-in one, or ``module:factory`` naming a driver."""
    value = env.get(name) or builtin
    if value != builtin and not _BACKEND.fullmatch(value):
        raise SystemExit(f"{name} must be {builtin} or module:factory, not {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Where every actor lives and keeps its state."""

    var_dir: Path
    host: str = "127.0.0.1"
    port_base: int = 8443
    kiosk_port: int = 8080
    cities: tuple[str, ...] = DEMO_CITIES
    kiosk_id: str = DEMO_KIOSK
    seed: int = 2016
    households: int = 40
    issuer_workers: int = 4
    kiosk_idle_timeout: int = 120
    db_urls: dict[str, str] = field(default_factory=dict)
    reader: str = "emulated"  # KOFU_READER: emulated | pcsc
    reader_name: str | None = None  # KOFU_READER_NAME: PC/SC reader to use (default: the first)
    vpcd_port: int = 35963  # KOFU_VPCD_PORT: where `kofu card insert` finds pcscd's virtual reader
    gateways_per_city: int = 1  # KOFU_GATEWAYS: gateway processes of each city (the centre uses each)
    issuers_per_city: int = 1  # KOFU_ISSUERS: issuer processes of each city (each pulls from every gateway)
    center_replicas: int = 1  # KOFU_CENTER_REPLICAS: centre processes behind HAProxy (1: no proxy)
    sweep_after: int = 600  # KOFU_SWEEP_AFTER: seconds before the centre closes an order nobody reported
    sweep_interval: int = 30  # KOFU_SWEEP_INTERVAL: seconds between two sweeps of the centre's history
    verify_url: str = ""  # KOFU_PUBLIC_VERIFY_URL: see public_verify_url
    cash: str = "simulated"  # KOFU_CASH: simulated | module:factory
    printer: str = "simulated"  # KOFU_PRINTER: simulated | module:factory
    speaker: str = "page"  # KOFU_SPEAKER: page | module:factory
    card_panel: str = "none"  # KOFU_CARD_PANEL: none | module:factory (the simulated slot's cards)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from the environment (defaults: the demo on loopback under ./var)."""
        env = dict(os.environ if environ is None else environ)
        var_dir = Path(env.get("KOFU_VAR", "var")).resolve()
        urls = {k.removeprefix("KOFU_CITY_DB_"): v for k, v in env.items() if k.startswith("KOFU_CITY_DB_")}
        if env.get("KOFU_CENTER_DB"):
            urls["center"] = env["KOFU_CENTER_DB"]
        return cls(
            var_dir=var_dir,
            port_base=_int(env, "KOFU_PORT_BASE", 8443),
            kiosk_port=_int(env, "KOFU_KIOSK_PORT", 8080),
            seed=_int(env, "KOFU_SEED", 2016),
            households=_int(env, "KOFU_HOUSEHOLDS", 40),
            issuer_workers=_int(env, "KOFU_ISSUER_WORKERS", 4),
            kiosk_idle_timeout=_int(env, "KOFU_KIOSK_IDLE_TIMEOUT", 120),
            sweep_after=_int(env, "KOFU_SWEEP_AFTER", 600),
            sweep_interval=_int(env, "KOFU_SWEEP_INTERVAL", 30),
            db_urls=urls,
            reader=_reader(env.get("KOFU_READER") or "emulated"),
            reader_name=env.get("KOFU_READER_NAME") or None,
            vpcd_port=_int(env, "KOFU_VPCD_PORT", 35963),
            verify_url=env.get("KOFU_PUBLIC_VERIFY_URL") or "",
            cash=_backend(env, "KOFU_CASH", "simulated"),
            printer=_backend(env, "KOFU_PRINTER", "simulated"),
            speaker=_backend(env, "KOFU_SPEAKER", "page"),
            card_panel=_backend(env, "KOFU_CARD_PANEL", "none"),
        )

    @property
    def pki(self) -> PkiPaths:
        """The PKI files (CAs, TLS identities, seal keys, CRL)."""
        return PkiPaths(self.var_dir / "pki")

    @property
    def cards_dir(self) -> Path:
        """Where the virtual cards keep their memory (demo only)."""
        return self.var_dir / "cards"

    @property
    def stores_file(self) -> Path:
        """The kiosk directory the centre publishes in its trust list (``kofu.pki.stores``)."""
        return self.var_dir / "stores.toml"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def run_dir(self) -> Path:
        """Process ids of the actors `kofu up` started (one ``NAME.pid`` each, gone when stopped)."""
        return self.var_dir / "run"

    @property
    def center_port(self) -> int:
        return self.port_base

    def gateway_port(self, city: str, n: int = 0) -> int:
        """Each city's gateways listen after the centre's port, in city order; the n-th gateway
        of a city 10 ports further on per n (the centre's public port is port_base + 9)."""
        return self.port_base + 1 + self.cities.index(city) + 10 * n

    def gateway_urls(self, city: str) -> list[str]:
        """Every gateway of ``city`` (the centre submits to any; each issuer pulls from all)."""
        return [f"https://{self.host}:{self.gateway_port(city, n)}" for n in range(self.gateways_per_city)]

    def center_replica_port(self, n: int) -> int:
        """Where the n-th centre process listens when several run behind HAProxy."""
        return self.port_base + 30 + n

    @property
    def center_url(self) -> str:
        return f"https://{self.host}:{self.center_port}"

    def gateway_url(self, city: str) -> str:
        return f"https://{self.host}:{self.gateway_port(city)}"

    @property
    def public_port(self) -> int:
        """The centre's public port (trust list, verification page): server-only TLS."""
        return self.port_base + PUBLIC_PORT_OFFSET

    @property
    def public_url(self) -> str:
        return f"https://{self.host}:{self.public_port}"

    @property
    def public_verify_url(self) -> str:
        """The public verification page the centre publishes (in its trust list) and kiosks print
        on the back of every sheet: KOFU_PUBLIC_VERIFY_URL, else the public address."""
        return self.verify_url or f"{self.public_url}/"

    @property
    def kiosk_url(self) -> str:
        return f"http://{self.host}:{self.kiosk_port}"

    def center_db_url(self) -> str:
        return self.db_urls.get("center") or f"sqlite:///{self.var_dir / 'center.db'}"

    def city_db_url(self, city: str) -> str:
        return self.db_urls.get(city) or f"sqlite:///{self.var_dir / f'city-{city}.db'}"

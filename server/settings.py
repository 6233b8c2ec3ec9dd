"""Configuration from the environment, each value also settable by a CLI flag."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

from rencontre.server.logs import LOG_FORMATS


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip().rstrip("/") for v in (value or "").split(",") if v.strip())


class SettingError(ValueError):
    """An environment variable that does not hold what its setting needs."""


def _int(env: dict[str, str], name: str, default: int | None) -> int | None:
    value = env.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}") from None


def _float(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise SettingError(f"{name} must be a number, not {value!r}") from None


def check_networks(values: tuple[str, ...], name: str) -> tuple[str, ...]:
    """Addresses or networks (``10.0.0.1``, ``10.0.0.0/8``, ``::1``), checked now."""
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise SettingError(f"{name} must list IP addresses or networks, not {value!r}"
                               ) from None
    return values


def _choice(env: dict[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in choices:
        raise SettingError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


# Organisers send whole attendee lists and programmes in one command: their connections
# accept messages this large (or RENCONTRE_MAX_FRAME, if larger).
ORGANISER_FRAME = 4 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Every setting, with its environment variable.

    ============================  ===========================  ====================
    setting                       variable                     default
    ============================  ===========================  ====================
    host                          ``RENCONTRE_HOST``           ``127.0.0.1``
    port                          ``PORT``                     ``8080``
    data                          ``RENCONTRE_DATA``           ``./rencontre-data``
    redis                         ``REDIS_URL``                (none: SQLite)
    demo                          ``RENCONTRE_DEMO``           off
    public_url                    ``RENCONTRE_PUBLIC_URL``     ``http://host:port``
    allowed_origins               ``RENCONTRE_ALLOWED_ORIGINS``  (own origin only)
    trusted_proxies               ``RENCONTRE_TRUSTED_PROXIES``  (none)
    connections_per_address       ``RENCONTRE_CONNECTIONS_PER_ADDRESS``  ``1000``
    max_frame                     ``RENCONTRE_MAX_FRAME``      ``65536`` bytes
    send_limit                    ``RENCONTRE_SEND_LIMIT``     ``1048576`` bytes
    log_format                    ``RENCONTRE_LOG_FORMAT``     ``text`` (or ``json``)
    metrics_token                 ``RENCONTRE_METRICS_TOKEN``  (none)
    metrics_port                  ``RENCONTRE_METRICS_PORT``   (none)
    min_minutes                   ``RENCONTRE_MIN_MINUTES``    ``10`` minutes
    presence_grace                ``RENCONTRE_PRESENCE_GRACE``  ``60`` seconds
    certificate_secret            ``RENCONTRE_CERTIFICATE_SECRET``  (made in the data dir)
    ============================  ===========================  ====================

    ``/metrics`` is served on ``metrics_port`` when one is given (bind it where only the
    collector reaches), else on the main port to requests bearing ``metrics_token``, else
    not at all.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    data: str = "./rencontre-data"
    redis: str | None = None
    demo: bool = False
    public_url: str | None = None
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # Reverse proxies whose Forwarded / X-Forwarded-Proto / X-Forwarded-For are believed.
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    # Websockets open at once from one address (a venue's NAT counts as one: raise it there).
    connections_per_address: int = 1000
    max_frame: int = 64 * 1024
    send_limit: int = 1024 * 1024
    log_format: str = "text"
    metrics_token: str | None = None
    metrics_port: int | None = None
    # Minutes a person must spend in a session (on site and online) for their certificate
    # to list it.
    min_minutes: int = 10
    # Seconds a page may stay hidden or disconnected before online presence ends.
    presence_grace: float = 60.0
    # Signs certificates' verification codes; several processes must share it.
    certificate_secret: str | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            host=env.get("RENCONTRE_HOST", cls.host),
            port=_int(env, "PORT", cls.port),
            data=env.get("RENCONTRE_DATA", cls.data),
            redis=env.get("REDIS_URL") or None,
            demo=env.get("RENCONTRE_DEMO", "").lower() in ("1", "true", "yes", "on"),
            public_url=env.get("RENCONTRE_PUBLIC_URL") or None,
            allowed_origins=_csv(env.get("RENCONTRE_ALLOWED_ORIGINS")),
            trusted_proxies=check_networks(_csv(env.get("RENCONTRE_TRUSTED_PROXIES")),
                                           "RENCONTRE_TRUSTED_PROXIES"),
            connections_per_address=_int(env, "RENCONTRE_CONNECTIONS_PER_ADDRESS",
                                         cls.connections_per_address),
            max_frame=_int(env, "RENCONTRE_MAX_FRAME", cls.max_frame),
            send_limit=_int(env, "RENCONTRE_SEND_LIMIT", cls.send_limit),
            log_format=_choice(env, "RENCONTRE_LOG_FORMAT", cls.log_format, LOG_FORMATS),
            metrics_token=env.get("RENCONTRE_METRICS_TOKEN") or None,
            metrics_port=_int(env, "RENCONTRE_METRICS_PORT", None),
            min_minutes=_int(env, "RENCONTRE_MIN_MINUTES", cls.min_minutes),
            presence_grace=_float(env, "RENCONTRE_PRESENCE_GRACE", cls.presence_grace),
            certificate_secret=env.get("RENCONTRE_CERTIFICATE_SECRET") or None,
        )

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "localhost" if self.host in ("0.0.0.0", "::", "127.0.0.1") else self.host
        return f"http://{host}:{self.port}"

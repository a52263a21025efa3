"""Configuration: every setting is an environment variable with the ``XINFANG_`` prefix.

The README's configuration table lists the same names; ``tests/unit/test_settings_doc.py`` keeps the
two in step. Defaults give the embedded system (SQLite files under ``XINFANG_DATA_DIR`` and the
``sql`` transport); production sets the database URLs, ``XINFANG_TRANSPORT=kafka`` and JWKS auth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.privacy.keys import check_configuration

ServiceName = Literal["intake", "routing", "supervision", "reporting"]
SERVICES: tuple[ServiceName, ...] = ("intake", "routing", "supervision", "reporting")

DEFAULT_PORTS: dict[str, int] = {"intake": 8001, "routing": 8002, "supervision": 8003, "reporting": 8004}

#: The secret used in embedded mode when none is configured. Production refuses to start with it.
DEFAULT_JWT_SECRET = "xinfang-embedded-dev-secret-change-me"

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINFANG_", extra="ignore", hide_input_in_errors=True)

    # --- running -------------------------------------------------------------------------------
    mode: Literal["embedded", "production"] = "embedded"
    data_dir: Path = Path("./var")
    directory_dir: Path = Field(default=REPO_ROOT / "data", description="jurisdiction.yaml, categories.yaml")
    intake_port: int = DEFAULT_PORTS["intake"]
    routing_port: int = DEFAULT_PORTS["routing"]
    supervision_port: int = DEFAULT_PORTS["supervision"]
    reporting_port: int = DEFAULT_PORTS["reporting"]
    host: str = "127.0.0.1"
    log_level: str = "INFO"
    #: Largest request body accepted, in bytes; larger ones get 413.
    max_body_bytes: int = Field(default=1_048_576, gt=0)

    # --- storage -------------------------------------------------------------------------------
    #: One database per service. Empty means ``sqlite+aiosqlite:///<data_dir>/<service>.db``.
    intake_database_url: str = ""
    routing_database_url: str = ""
    supervision_database_url: str = ""
    reporting_database_url: str = ""
    #: Run Alembic migrations at start-up (embedded default). Production runs ``xinfang migrate``.
    migrate_on_start: bool = True

    # --- transport -----------------------------------------------------------------------------
    transport: Literal["sql", "kafka"] = "sql"
    #: Database holding the log for the ``sql`` transport. Empty means ``<data_dir>/bus.db``.
    bus_url: str = ""
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    #: Idempotent producer; on for Apache Kafka. Correctness never rests on it (consumers dedupe).
    kafka_idempotent_producer: bool = True
    kafka_fetch_max_wait_ms: int = 100
    partitions: int = 3
    topic_prefix: str = "xinfang"
    relay_interval_ms: int = 50
    poll_interval_ms: int = 50
    consumer_max_attempts: int = 5

    # --- auth ----------------------------------------------------------------------------------
    auth_mode: Literal["local", "jwks"] = "local"
    jwt_secret: str = DEFAULT_JWT_SECRET
    jwks_url: str = ""
    jwt_issuer: str = ""
    jwt_audience: str = ""

    # --- personal data (DOMAIN.md P1-P4; shared/privacy) --------------------------------------
    #: Master keys wrapping each petitioner's data key: ``kid:base64url(32 bytes)``, comma-separated,
    #: the first wraps new keys (rotation: shared/privacy/keys.py). Empty: development key (embedded only).
    pii_keys: str = Field(default="", repr=False)
    #: Key of the blind indexes (base64url, 32 bytes). Empty: development key (embedded only).
    pii_index_key: str = Field(default="", repr=False)
    #: Days a petitioner's personal data is kept before its key is destroyed (P4). Ten years by default:
    #: the shorter fixed term of the archive rules for agency records (定期 10 年); set it to yours.
    pii_retention_days: int = Field(default=3650, gt=0)

    @model_validator(mode="after")
    def _production_is_not_embedded(self) -> Settings:
        if self.mode == "production":
            if self.auth_mode == "local" and self.jwt_secret == DEFAULT_JWT_SECRET:
                raise ValueError(
                    "XINFANG_MODE=production refuses the default JWT secret: set XINFANG_AUTH_MODE=jwks "
                    "with XINFANG_JWKS_URL, or a strong XINFANG_JWT_SECRET"
                )
            if self.auth_mode == "jwks" and not self.jwks_url:
                raise ValueError("XINFANG_AUTH_MODE=jwks needs XINFANG_JWKS_URL")
        return self

    @model_validator(mode="after")
    def _production_has_pii_keys(self) -> Settings:
        # Raises KeyConfigError, not ValueError: pydantic would print the raw input (the keys) with it.
        check_configuration(
            production=self.mode == "production", keys=self.pii_keys, index_key=self.pii_index_key
        )
        return self

    # --- derived -------------------------------------------------------------------------------
    def port(self, service: str) -> int:
        return int(getattr(self, f"{service}_port"))

    def database_url(self, service: str) -> str:
        url: str = getattr(self, f"{service}_database_url")
        return url or f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').resolve()}"

    def resolved_bus_url(self) -> str:
        return self.bus_url or f"sqlite+aiosqlite:///{(self.data_dir / 'bus.db').resolve()}"

    def topic(self, service: str) -> str:
        return f"{self.topic_prefix}.{service}"

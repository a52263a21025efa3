"""The README's configuration table is the truth about settings: every field, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.settings import DEFAULT_JWT_SECRET, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_documents_exactly_the_settings_that_exist() -> None:
    documented = set(re.findall(r"^\| `(XINFANG_[A-Z_]+)` \|", README.read_text(encoding="utf-8"), re.M))
    actual = {f"XINFANG_{name.upper()}" for name in Settings.model_fields}
    assert documented == actual, {"undocumented": actual - documented, "not a setting": documented - actual}


def test_the_quick_start_is_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.strip() for line in block.strip().splitlines()] == ["make run", "make test"]


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValueError, match="default JWT secret"):
        Settings(mode="production", jwt_secret=DEFAULT_JWT_SECRET)


def test_embedded_defaults_put_every_file_under_the_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    for service in ("intake", "routing", "supervision", "reporting"):
        assert str(tmp_path.resolve()) in s.database_url(service)
    assert str(tmp_path.resolve()) in s.resolved_bus_url()

"""P1 key rotation, as an operator does it: add a new master key in front, run `xinfang keys rewrap`,
drop the old key — every petitioner's data still opens for a clerk, and no event was rewritten."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx

from services.intake.app import create_app
from shared.privacy.keys import encode_key
from shared.settings import Settings
from tests.support.petitions import petition_body
from tests.support.system import auth
from tests.unit.intake.idcards import make_id

OLD = "k1:" + encode_key(b"\x11" * 32)
NEW = "k2:" + encode_key(b"\x22" * 32)
INDEX = encode_key(b"\x33" * 32)
ID_NUMBER = make_id(region="370703", birth="19660905", sequence="318")


async def _read_case(settings: Settings, case_id: str | None = None) -> tuple[str, str]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
            headers = auth(settings)
            if case_id is None:
                person = {"name": "刘春生", "id_number": ID_NUMBER}
                r = await client.post("/petitions", json=petition_body(petitioners=[person]), headers=headers)
                assert r.status_code == 201, r.text
                case_id = r.json()["case_id"]
            view = await client.get(f"/petitions/{case_id}", headers=headers)
            return case_id, view.text


async def test_rewrap_then_drop_the_old_master_key(tmp_path: Path) -> None:
    def settings(keys: str) -> Settings:
        return Settings(data_dir=tmp_path, pii_keys=keys, pii_index_key=INDEX)

    case_id, before = await _read_case(settings(OLD))
    assert ID_NUMBER in before

    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env.update({"XINFANG_DATA_DIR": str(tmp_path), "XINFANG_PII_KEYS": f"{NEW},{OLD}", "XINFANG_PII_INDEX_KEY": INDEX})
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "shared.cli", "keys", "rewrap", env=env, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await proc.communicate()
    assert proc.returncode == 0
    assert "re-wrapped 1 data keys under k2" in stdout.decode()

    _, after = await _read_case(settings(NEW), case_id)  # the old key is gone from the ring
    assert ID_NUMBER in after

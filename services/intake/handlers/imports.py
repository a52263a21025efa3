"""Use case: bulk import of paper records (D8), in the background, resumable, safe to run again.

``POST /imports`` streams the upload to a file under ``<data_dir>/imports`` (never the whole upload in
memory) and queues a job; :class:`ImportRunner` then reads the file record by record and registers the
good rows in chunks of :data:`CHUNK_ROWS`, one transaction per chunk: the cases, their events and
outbox rows, the per-row errors and the job's counters commit together. A job interrupted by a restart
continues after its last committed chunk (the runner claims stale jobs at start-up and every minute);
since every row carries a stable ``external_ref``, running a row twice registers it once.

Collective-cluster detection (R12) is off by default for imports: it compares each row with every case
received within 7 days, which for a backlog is quadratic, and a cluster in last year's letters is not an
alert for today's clerk. ``clusters=true`` switches it on. Repeats (R12) are always checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import traceback
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import queries
from services.intake.api.schemas import PetitionIn
from services.intake.context import Intake
from services.intake.domain.errors import DomainError, FieldError
from services.intake.handlers.register import (
    InvalidPetition,
    Prepared,
    Registered,
    RetryRegistration,
    prepare,
    register_batch,
    register_in,
)
from services.intake.import_rows import count_records, parse_row, read_records
from services.intake.tables import import_errors, imports
from shared.recorder import Actor
from shared.store.event_store import ConcurrencyError

log = logging.getLogger("xinfang.intake.imports")

CHUNK_ROWS = 250
#: a running job whose heartbeat is older than this is taken over (its process is gone)
STALE_AFTER = timedelta(minutes=2)
SWEEP_INTERVAL_S = 60.0
ROW_ATTEMPTS = 4


@dataclass(frozen=True)
class _Item:
    """One row of a chunk: ready to register, registered before, or refused with its errors."""

    row: int
    prepared: Prepared | None = None
    duplicate: bool = False
    errors: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class NewImport:
    import_id: str
    status: str


def spool_dir(intake: Intake) -> Path:
    return intake.runtime.settings.data_dir / "imports"


async def spool_upload(
    intake: Intake,
    chunks: AsyncIterator[bytes],
    *,
    fmt: str,
    source: str,
    defaults: Mapping[str, str],
    detect_clusters: bool,
    created_by: str,
    actor_unit: str | None,
) -> NewImport | None:
    """Write the upload to its file as it arrives and queue the job. None when the upload was empty."""
    import_id = str(uuid.uuid4())
    folder = spool_dir(intake)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{import_id}.{fmt}"
    partial = path.with_suffix(path.suffix + ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as fh:
            async for chunk in chunks:
                if chunk:
                    fh.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if size == 0:
        partial.unlink(missing_ok=True)
        return None
    partial.rename(path)
    now = intake.now()
    async with intake.runtime.db.transaction() as conn:
        await conn.execute(
            insert(imports).values(
                import_id=import_id,
                status="queued",
                format=fmt,
                source=source,
                defaults=dict(defaults),
                detect_clusters=detect_clusters,
                spool_path=str(path),
                upload_bytes=size,
                upload_sha256=digest.hexdigest(),
                rows_total=None,
                rows_done=0,
                created=0,
                duplicates=0,
                failed=0,
                created_by=created_by,
                actor_unit=actor_unit,
                created_at=now,
            )
        )
    return NewImport(import_id, "queued")


class ImportRunner:
    """Runs import jobs as tasks of this process; takes over jobs whose process died."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        self._stopping = True
        tasks = [t for t in [self._sweeper, *self._tasks.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def submit(self, import_id: str) -> None:
        if self._stopping or import_id in self._tasks:
            return
        task = asyncio.create_task(self._run(import_id))
        self._tasks[import_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(import_id, None))

    async def _sweep_forever(self) -> None:
        while True:
            try:
                for import_id in await self._resumable():
                    self.submit(import_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("could not look for interrupted imports")
            await asyncio.sleep(SWEEP_INTERVAL_S)

    async def _resumable(self) -> list[str]:
        stale = self.intake.now() - STALE_AFTER
        async with self.intake.runtime.db.read() as conn:
            rows = await conn.execute(
                select(imports.c.import_id).where(
                    or_(
                        imports.c.status == "queued",
                        (imports.c.status == "running") & (imports.c.heartbeat_at < stale),
                    )
                )
            )
            return [r.import_id for r in rows]

    async def _claim(self, import_id: str) -> Mapping[str, Any] | None:
        now = self.intake.now()
        async with self.intake.runtime.db.transaction() as conn:
            result = await conn.execute(
                update(imports)
                .where(
                    imports.c.import_id == import_id,
                    or_(
                        imports.c.status == "queued",
                        (imports.c.status == "running") & (imports.c.heartbeat_at < now - STALE_AFTER),
                    ),
                )
                .values(status="running", heartbeat_at=now)
            )
            if result.rowcount != 1:
                return None
            job = (await conn.execute(select(imports).where(imports.c.import_id == import_id))).mappings().one()
            if job["started_at"] is None:
                await conn.execute(update(imports).where(imports.c.import_id == import_id).values(started_at=now))
            return dict(job)

    async def _finish(self, import_id: str, status: str, error: str | None = None) -> None:
        async with self.intake.runtime.db.transaction() as conn:
            await conn.execute(
                update(imports)
                .where(imports.c.import_id == import_id)
                .values(status=status, error=error, finished_at=self.intake.now(), spool_path=None)
            )

    async def _run(self, import_id: str) -> None:
        job = await self._claim(import_id)
        if job is None:
            return
        path = Path(job["spool_path"]) if job["spool_path"] else None
        if path is None or not path.exists():
            await self._finish(
                import_id, "failed", "上传的文件已不在本机，请重新上传（重复导入不会重复登记）/ upload the file again"
            )
            return
        try:
            await self._process(job, path)
        except asyncio.CancelledError:
            raise  # stopped: the job stays "running" and is taken over after STALE_AFTER
        except UnicodeDecodeError:
            await self._finish(import_id, "failed", "文件编码无法识别 / the file is neither UTF-8 nor GB 18030")
        except Exception as exc:
            # the type and the frames only: a database error's message carries the row's values
            log.error(
                "import failed",
                extra={
                    "import_id": import_id,
                    "error": type(exc).__name__,
                    "trace": "".join(traceback.format_tb(exc.__traceback__))[-4000:],
                },
            )
            await self._finish(import_id, "failed", "导入中断，可重新提交 / the import stopped; submitting it again is safe")
        else:
            await self._finish(import_id, "done")
            path.unlink(missing_ok=True)

    async def _process(self, job: Mapping[str, Any], path: Path) -> None:
        import_id, fmt = job["import_id"], job["format"]
        if job["rows_total"] is None:
            total = await asyncio.to_thread(count_records, path, fmt)
            async with self.intake.runtime.db.transaction() as conn:
                await conn.execute(update(imports).where(imports.c.import_id == import_id).values(rows_total=total))
        actor = Actor(job["created_by"], job["actor_unit"])
        skip = int(job["rows_done"])
        chunk: list[tuple[int, Mapping[str, Any] | None, str | None]] = []
        for record in read_records(path, fmt):
            if skip:
                skip -= 1
                continue
            chunk.append(record)
            if len(chunk) >= CHUNK_ROWS:
                await self._chunk(job, chunk, actor)
                chunk = []
                await asyncio.sleep(0)  # let requests in between chunks
        if chunk:
            await self._chunk(job, chunk, actor)

    async def _items(
        self, job: Mapping[str, Any], chunk: Iterable[tuple[int, Mapping[str, Any] | None, str | None]]
    ) -> list[_Item]:
        """Parse and check the rows of a chunk; rows registered before are found in one query and not
        checked again (a re-run costs a look-up per 500 rows)."""
        now = self.intake.now()
        parsed: list[tuple[int, PetitionIn | None, tuple[FieldError, ...]]] = []
        for row, record, problem in chunk:
            if record is None:
                parsed.append((row, None, (FieldError("row", "unreadable", problem or ""),)))
                continue
            result = parse_row(row, record, job["format"], job["defaults"])
            parsed.append((row, result.petition, result.errors))
        refs = [(p.external_ref.system, p.external_ref.id) for _, p, _ in parsed if p and p.external_ref]
        known = await queries.registered_external_refs(self.intake.runtime.db, refs)
        items: list[_Item] = []
        for row, petition, errors in parsed:
            if petition is None:
                items.append(_Item(row, errors=errors))
                continue
            ref = petition.external_ref
            if ref is not None and (ref.system, ref.id) in known:
                items.append(_Item(row, duplicate=True))
                continue
            try:
                prepared = prepare(
                    self.intake,
                    petition.draft(),
                    now=now,
                    submitter=f"import:{job['source']}"[:120],
                    detect_clusters=bool(job["detect_clusters"]),
                )
            except InvalidPetition as exc:
                items.append(_Item(row, errors=exc.errors))
                continue
            items.append(_Item(row, prepared=prepared))
        return items

    async def _chunk(
        self, job: Mapping[str, Any], chunk: list[tuple[int, Mapping[str, Any] | None, str | None]], actor: Actor
    ) -> None:
        items = await self._items(job, chunk)
        try:
            # the common case in one go: no savepoint per row
            async with self.intake.runtime.db.transaction() as conn:
                await self._write(conn, job, items, actor, careful=False)
        except (IntegrityError, ConcurrencyError, RetryRegistration, DomainError):
            # a row raced with another registration or was refused: again, each row on its own savepoint
            async with self.intake.runtime.db.transaction() as conn:
                await self._write(conn, job, items, actor, careful=True)

    async def _write(
        self, conn: AsyncConnection, job: Mapping[str, Any], items: list[_Item], actor: Actor, *, careful: bool
    ) -> None:
        batch: dict[int, Registered] = {}
        if not careful and not job["detect_clusters"]:
            ready = [item for item in items if item.prepared is not None]
            registered = await register_batch(conn, self.intake, [i.prepared for i in ready if i.prepared], actor=actor)
            batch = {id(item): result for item, result in zip(ready, registered, strict=True)}
        created = duplicates = failed = 0
        errors: list[dict[str, Any]] = []
        for item in items:
            problems = item.errors
            if item.duplicate:
                duplicates += 1
                continue
            if item.prepared is not None:
                outcome: Registered | tuple[FieldError, ...]
                if id(item) in batch:
                    outcome = batch[id(item)]
                elif careful:
                    outcome = await self._register_row(conn, item.prepared, actor)
                else:
                    outcome = await register_in(conn, self.intake, item.prepared, actor=actor, assume_new=True)
                if isinstance(outcome, Registered):
                    created += outcome.created
                    duplicates += not outcome.created
                    continue
                problems = outcome
            failed += 1
            errors += [
                {"import_id": job["import_id"], "row": item.row, "field": p.field[:120], "code": p.code[:60], "message": p.message}
                for p in problems
            ]
        if errors:
            await conn.execute(insert(import_errors), errors)
        await conn.execute(
            update(imports)
            .where(imports.c.import_id == job["import_id"])
            .values(
                rows_done=imports.c.rows_done + len(items),
                created=imports.c.created + created,
                duplicates=imports.c.duplicates + duplicates,
                failed=imports.c.failed + failed,
                heartbeat_at=self.intake.now(),
            )
        )

    async def _register_row(
        self, conn: AsyncConnection, prepared: Prepared, actor: Actor
    ) -> Registered | tuple[FieldError, ...]:
        for attempt in range(ROW_ATTEMPTS):
            try:
                async with conn.begin_nested():
                    return await register_in(conn, self.intake, prepared, actor=actor)
            except (IntegrityError, ConcurrencyError, RetryRegistration):
                if attempt == ROW_ATTEMPTS - 1:
                    raise
            except DomainError as exc:
                return exc.errors or (FieldError("row", exc.code, exc.message),)
        raise AssertionError("unreachable")


def progress(job: Mapping[str, Any]) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "import_id": job["import_id"],
        "status": job["status"],
        "format": job["format"],
        "source": job["source"],
        "rows_total": job["rows_total"],
        "rows_done": job["rows_done"],
        "created": job["created"],
        "duplicates": job["duplicates"],
        "failed": job["failed"],
        "upload_bytes": job["upload_bytes"],
        "upload_sha256": job["upload_sha256"],
        "created_at": iso(job["created_at"]),
        "started_at": iso(job["started_at"]),
        "finished_at": iso(job["finished_at"]),
        "error": job["error"],
    }

"""The directory and the classifier vocabulary: versioned as events, held in memory, reloaded on change.

- On first use (at start-up, or by the first petition routed, whichever comes first) an empty store is
  filled from ``settings.directory_dir`` (jurisdiction.yaml, categories.yaml, routing_vocabulary.yaml):
  one ``DirectoryPublished`` on the ``directory`` stream and one ``VocabularyPublished`` on the
  ``vocabulary`` stream.
- Every use checks the two streams' versions (one indexed query) and rebuilds the directory and
  classifier when another replica published a new version, so all replicas route with the newest one.
- ``publish_directory`` / ``publish_vocabulary`` validate the YAML (problems name file and line), and
  record a new version unless the content is unchanged.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.domain.classifier import Classifier
from services.routing.domain.directory import Directory, parse_directory
from services.routing.domain.vocabulary import Vocabulary, parse_vocabulary
from services.routing.queries import latest_event, stream_versions
from shared.calendar.errors import CalendarFileError
from shared.calendar.statutory import StatutoryCalendar
from shared.events.catalogue.routing import DirectoryPublished, VocabularyPublished
from shared.recorder import SYSTEM, Actor, record
from shared.runtime import Runtime
from shared.store.event_store import ConcurrencyError

log = logging.getLogger("xinfang.routing.directory")

DIRECTORY_STREAM = "directory"
VOCABULARY_STREAM = "vocabulary"
JURISDICTION_FILE = "jurisdiction.yaml"
CATEGORIES_FILE = "categories.yaml"
VOCABULARY_FILE = "routing_vocabulary.yaml"
IMPORT_NOTE = "启动时从数据目录导入 / imported from the data folder at start-up"


def vocabulary_version(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def term_count(vocabulary: Vocabulary) -> int:
    return sum(len(c.terms) for c in vocabulary.categories.values())


@dataclass(frozen=True)
class Published:
    """Who published a version, when, and why."""

    sequence: int
    version: str
    published_by: str
    published_at: datetime
    note: str


@dataclass(frozen=True)
class Current:
    """The directory and classifier every decision of this replica uses now."""

    directory: Directory
    jurisdiction_yaml: str
    categories_yaml: str
    vocabulary: Vocabulary
    vocabulary_yaml: str
    classifier: Classifier
    directory_published: Published
    vocabulary_published: Published

    @property
    def vocabulary_version(self) -> str:
        return self.vocabulary_published.version


class DirectoryHolder:
    """One per app: the current directory, classifier and working-day calendar."""

    def __init__(self, runtime: Runtime, source_dir: Path) -> None:
        self.runtime = runtime
        self.source_dir = source_dir
        self.calendar = _statutory_calendar(source_dir / "calendar")
        self._current: Current | None = None
        self._seqs: tuple[int, int] = (0, 0)

    async def current(self, conn: AsyncConnection, *, write: bool = True) -> Current:
        """The newest published directory and vocabulary. ``write``: ``conn`` may write (an empty store is
        then filled from the data folder); on a read-only connection an empty store reads the files."""
        seqs = await stream_versions(conn, (DIRECTORY_STREAM, VOCABULARY_STREAM))
        key = (seqs[DIRECTORY_STREAM], seqs[VOCABULARY_STREAM])
        if self._current is not None and key == self._seqs:
            return self._current
        if 0 in key:
            if not write:
                return self._from_files()
            await self._import_files(conn, key)
            seqs = await stream_versions(conn, (DIRECTORY_STREAM, VOCABULARY_STREAM))
            key = (seqs[DIRECTORY_STREAM], seqs[VOCABULARY_STREAM])
        d_event = await latest_event(conn, DIRECTORY_STREAM)
        v_event = await latest_event(conn, VOCABULARY_STREAM)
        assert d_event is not None and v_event is not None
        d = d_event.payload()
        v = v_event.payload()
        assert isinstance(d, DirectoryPublished) and isinstance(v, VocabularyPublished)
        current = self._build(
            d.jurisdiction_yaml,
            d.categories_yaml,
            v.vocabulary_yaml,
            Published(key[0], d.directory_version, d.published_by, d.published_at, d.note),
            Published(key[1], v.vocabulary_version, v.published_by, v.published_at, v.note),
        )
        self._current, self._seqs = current, key
        return current

    def _build(
        self, jurisdiction: str, categories: str, vocabulary_text: str, d_pub: Published, v_pub: Published
    ) -> Current:
        directory = parse_directory(jurisdiction, categories)
        vocabulary = parse_vocabulary(vocabulary_text, source=VOCABULARY_FILE)
        classifier = Classifier(vocabulary, directory.categories)
        return Current(
            directory, jurisdiction, categories, vocabulary, vocabulary_text, classifier, d_pub, v_pub
        )

    def _files(self) -> tuple[str, str, str]:
        return (
            (self.source_dir / JURISDICTION_FILE).read_text(encoding="utf-8"),
            (self.source_dir / CATEGORIES_FILE).read_text(encoding="utf-8"),
            (self.source_dir / VOCABULARY_FILE).read_text(encoding="utf-8"),
        )

    def _from_files(self) -> Current:
        j, c, v = self._files()
        now = self.runtime.clock.now()
        directory = parse_directory(j, c)
        return self._build(
            j,
            c,
            v,
            Published(0, directory.version, "system", now, IMPORT_NOTE),
            Published(0, vocabulary_version(v), "system", now, IMPORT_NOTE),
        )

    async def _import_files(self, conn: AsyncConnection, seqs: tuple[int, int]) -> None:
        j, c, v = self._files()
        try:
            if seqs[0] == 0:
                await self._record_directory(conn, parse_directory(j, c), j, c, SYSTEM, IMPORT_NOTE, 0)
            if seqs[1] == 0:
                await self._record_vocabulary(conn, parse_vocabulary(v, source=VOCABULARY_FILE), v, SYSTEM, IMPORT_NOTE, 0)
        except ConcurrencyError:
            log.info("another replica imported the directory first")

    async def _record_directory(
        self,
        conn: AsyncConnection,
        directory: Directory,
        jurisdiction: str,
        categories: str,
        actor: Actor,
        note: str,
        expected: int,
    ) -> None:
        payload = DirectoryPublished(
            directory_version=directory.version,
            jurisdiction_yaml=jurisdiction,
            categories_yaml=categories,
            published_by=actor.id,
            note=note,
            regions=len(directory.regions),
            units=len(directory.units),
            categories=len(directory.categories),
            published_at=self.runtime.clock.now(),
        )
        await record(conn, self.runtime, DIRECTORY_STREAM, expected, [payload], actor=actor)

    async def _record_vocabulary(
        self, conn: AsyncConnection, vocabulary: Vocabulary, text: str, actor: Actor, note: str, expected: int
    ) -> None:
        payload = VocabularyPublished(
            vocabulary_version=vocabulary_version(text),
            vocabulary_yaml=text,
            published_by=actor.id,
            note=note,
            terms=term_count(vocabulary),
            published_at=self.runtime.clock.now(),
        )
        await record(conn, self.runtime, VOCABULARY_STREAM, expected, [payload], actor=actor)

    # -- publishing new versions (admin API) -----------------------------------------------------------

    async def publish_directory(
        self,
        conn: AsyncConnection,
        actor: Actor,
        *,
        jurisdiction_yaml: str | None,
        categories_yaml: str | None,
        note: str,
    ) -> tuple[Directory, bool]:
        """Validate and record a new directory version (a file not given stays as it is). Returns the
        directory and whether it changed. Raises :class:`DirectoryFileError` naming file and line."""
        current = await self.current(conn)
        j = jurisdiction_yaml if jurisdiction_yaml is not None else current.jurisdiction_yaml
        c = categories_yaml if categories_yaml is not None else current.categories_yaml
        directory = parse_directory(j, c)
        if directory.version == current.directory.version:
            return current.directory, False
        await self._record_directory(conn, directory, j, c, actor, note, current.directory_published.sequence)
        return directory, True

    async def publish_vocabulary(
        self, conn: AsyncConnection, actor: Actor, *, text: str, note: str
    ) -> tuple[Vocabulary, str, bool]:
        """Validate and record a new vocabulary version. Raises :class:`VocabularyFileError`."""
        current = await self.current(conn)
        vocabulary = parse_vocabulary(text, source=VOCABULARY_FILE)
        version = vocabulary_version(text)
        if version == current.vocabulary_version:
            return current.vocabulary, version, False
        await self._record_vocabulary(conn, vocabulary, text, actor, note, current.vocabulary_published.sequence)
        return vocabulary, version, True


def _statutory_calendar(folder: Path) -> StatutoryCalendar:
    """The package's calendar plus the years an operator loaded (``<year>.yaml``, shared with supervision).
    A broken year file is reported and left out: routing keeps working on the package's calendar."""
    if not folder.is_dir():
        return StatutoryCalendar()
    try:
        return StatutoryCalendar.from_directory(folder)
    except CalendarFileError as exc:
        log.warning("calendar year files skipped: %s", "; ".join(exc.problems))
        return StatutoryCalendar()

"""``routing-eval``: run the router over labelled petitions and report accuracy per field.

    python -m services.routing.eval [PATH]

PATH is a JSONL file of ``{id, petition, expect: {category, region_code, unit_id, disposition, flags}}``;
without it, ``../shared/data/petitions-dev.jsonl`` next to the repository is used if it exists. The
directory and vocabulary are the product's own, in ``data/``. Prints the accuracy of each field (flags
compared as sets) and every miss with the decision's explanation. Always exits 0: it measures, it does
not gate.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from services.routing.domain.classifier import Classifier
from services.routing.domain.decision import RoutingDecision, RoutingInput
from services.routing.domain.directory import Directory, load_directory
from services.routing.domain.router import route
from services.routing.domain.vocabulary import load_vocabulary

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
DEFAULT_SET = REPO_ROOT.parent / "shared" / "data" / "petitions-dev.jsonl"
FIELDS = ("category", "region_code", "unit_id", "disposition", "flags")


def load_router(data_dir: Path = DATA_DIR) -> tuple[Directory, Classifier]:
    """The product's directory and classifier, from ``data_dir``."""
    directory = load_directory(data_dir / "jurisdiction.yaml", data_dir / "categories.yaml")
    vocabulary = load_vocabulary(data_dir / "routing_vocabulary.yaml")
    return directory, Classifier(vocabulary, directory.categories)


def _got(decision: RoutingDecision, field: str) -> Any:
    value = getattr(decision, field)
    return sorted(value) if field == "flags" else value


def _expected(expect: dict[str, Any], field: str) -> Any:
    value = expect.get(field)
    return sorted(value or []) if field == "flags" else value


def evaluate(
    rows: Sequence[dict[str, Any]], directory: Directory, classifier: Classifier
) -> tuple[dict[str, int], list[str]]:
    """Correct answers per field, and one printable line per miss."""
    correct = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []
    for row in rows:
        decision = route(RoutingInput.model_validate(row["petition"]), directory, classifier)
        wrong = []
        for field in FIELDS:
            expected, got = _expected(row["expect"], field), _got(decision, field)
            if expected == got:
                correct[field] += 1
            else:
                wrong.append(f"  {field}: expected {expected!r}, got {got!r}")
        if wrong:
            trail = "\n".join(f"    · {line}" for line in decision.explanation)
            misses.append(f"{row['id']}\n" + "\n".join(wrong) + f"\n  explanation:\n{trail}")
    return correct, misses


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="routing-eval", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("path", nargs="?", type=Path, help="labelled petitions (JSONL)")
    args = parser.parse_args(argv)
    path: Path | None = args.path or (DEFAULT_SET if DEFAULT_SET.exists() else None)
    if path is None:
        print("routing-eval: no PATH given and no default set found", file=sys.stderr)
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    directory, classifier = load_router()
    correct, misses = evaluate(rows, directory, classifier)

    print(f"routing-eval: {len(rows)} petitions from {path.name} (directory {directory.version})")
    for field in FIELDS:
        share = correct[field] / len(rows) if rows else 0.0
        print(f"  {field:<12} {correct[field]:>4}/{len(rows):<4} {share:7.1%}")
    print(f"misses: {len(misses)}")
    for miss in misses:
        print(miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

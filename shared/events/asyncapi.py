"""Generate the AsyncAPI document of every channel and message from the event catalogue.

    python -m shared.events.asyncapi --write docs/asyncapi.yaml   (make asyncapi)
    python -m shared.events.asyncapi --check docs/asyncapi.yaml   (CI: fails when it drifts)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from shared.events.base import registry
from shared.settings import SERVICES

HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 binary content mode: attributes as ce_* headers; record key = case id",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time"],
    "properties": {
        name: {"type": "string"}
        for name in (
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_subject",
            "ce_time",
            "ce_datacontenttype",
            "ce_sequence",
            "ce_correlationid",
            "ce_causationid",
            "ce_actor",
            "ce_actorunit",
        )
    },
}


def document() -> dict[str, Any]:
    types = registry()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for service in SERVICES:
        refs = {}
        for type_name, cls in sorted(types.items()):
            if cls.service != service:
                continue
            key = type_name.replace(".", "_")
            schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in schema.pop("$defs", {}).items():
                schemas[name] = sub
            schemas[key] = schema
            messages[key] = {
                "name": type_name,
                "title": cls.__name__,
                "summary": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else type_name,
                "contentType": "application/json",
                "headers": HEADERS,
                "payload": {"$ref": f"#/components/schemas/{key}"},
            }
            refs[key] = {"$ref": f"#/components/messages/{key}"}
        channels[service] = {
            "address": f"xinfang.{service}",
            "description": f"Events recorded by {service}; key = case id, partitions keyed by case",
            "messages": refs,
        }
        operations[f"{service}_publishes"] = {"action": "send", "channel": {"$ref": f"#/channels/{service}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "xinfang events",
            "version": "1.0.0",
            "description": "Every event of every service. Generated from shared/events/catalogue; do not edit.",
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def render() -> str:
    return yaml.safe_dump(document(), allow_unicode=True, sort_keys=False, width=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        return 0
    current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
    if current != text:
        print(f"{args.check} is out of date with the event catalogue: run `make asyncapi`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

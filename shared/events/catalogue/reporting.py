"""Events derived by reporting (bulletins published, criticism notices, focus management). DOMAIN.md §6."""

from __future__ import annotations

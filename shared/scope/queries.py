"""P3 in the queries themselves: a WHERE clause that keeps only the cases a viewer may see.

Every read of case data joins through :func:`visible` (or :func:`can_see_case` for one case), so a
route that forgets to check cannot leak: the rows are simply not there.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.scope.policy import Viewer
from shared.scope.tables import case_scope, case_units


def visible(viewer: Viewer, case_id_column: ColumnElement[str]) -> ColumnElement[bool]:
    """True for the rows whose case the viewer may see."""
    if viewer.all_cases:
        return true()
    involved = exists().where(
        case_units.c.case_id == case_id_column,
        case_units.c.unit_id == viewer.unit,
        case_units.c.relation.in_(("received", "handling")),
    )
    accused = exists().where(
        case_units.c.case_id == case_id_column,
        case_units.c.unit_id == viewer.unit,
        case_units.c.relation == "accused",
    )
    if viewer.region_prefix is None:
        regional: ColumnElement[bool] = false()
    else:
        like = f"{viewer.region_prefix}%"
        scope = case_scope.alias("scope_of_case")  # aliased: the outer query may be on case_scope itself
        regional = exists().where(
            scope.c.case_id == case_id_column,
            scope.c.accusation.is_(False),
            or_(scope.c.place_region.like(like), scope.c.received_region.like(like)),
        )
    return and_(not_(accused), or_(involved, regional))


async def can_see_case(conn: AsyncConnection, viewer: Viewer, case_id: str) -> bool:
    row = await conn.scalar(
        select(case_scope.c.case_id).where(
            case_scope.c.case_id == case_id, visible(viewer, case_scope.c.case_id)
        )
    )
    return row is not None

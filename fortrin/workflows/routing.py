"""Bek. §7: which jobcentre handles an application.

Normally the jobcentre of the applicant's home municipality. When the vacancy is *at that jobcentre*,
the jobcentre would be both employer and judge, so the jobcentre of the designated neighbouring
municipality handles the application instead (004 §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass


class NoNeighbourJobcentre(Exception):
    """The routing table names no usable neighbour for the applicant's home municipality."""


@dataclass(frozen=True)
class Route:
    home_jobcentre_code: str
    handling_jobcentre_code: str
    routed_to_neighbour: bool


def route_application(
    home_jobcentre_code: str,
    neighbour_jobcentre_code: str | None,
    workplace_jobcentre_code: str | None,
) -> Route:
    if workplace_jobcentre_code is None or workplace_jobcentre_code != home_jobcentre_code:
        return Route(home_jobcentre_code, home_jobcentre_code, False)
    # bek. §7: a vacancy at the applicant's own jobcentre goes to the neighbour's jobcentre.
    if neighbour_jobcentre_code is None or neighbour_jobcentre_code == home_jobcentre_code:
        raise NoNeighbourJobcentre(home_jobcentre_code)
    return Route(home_jobcentre_code, neighbour_jobcentre_code, True)

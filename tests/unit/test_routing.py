"""Bek. §7 (004 §3.2): a vacancy at the applicant's own jobcentre goes to the neighbour's jobcentre."""

import pytest

from fortrin.workflows.routing import NoNeighbourJobcentre, route_application


def test_an_ordinary_vacancy_is_handled_by_the_home_jobcentre() -> None:
    route = route_application("751", "746", None)
    assert (route.handling_jobcentre_code, route.routed_to_neighbour) == ("751", False)


def test_a_vacancy_at_another_jobcentre_is_handled_at_home() -> None:
    route = route_application("751", "746", "101")
    assert (route.handling_jobcentre_code, route.routed_to_neighbour) == ("751", False)


def test_bek_7_a_vacancy_at_the_home_jobcentre_goes_to_the_neighbour() -> None:
    route = route_application("751", "746", "751")
    assert route.handling_jobcentre_code == "746"
    assert route.home_jobcentre_code == "751"
    assert route.routed_to_neighbour


@pytest.mark.parametrize("neighbour", [None, "751"])
def test_bek_7_routing_without_a_usable_neighbour_is_refused(neighbour: str | None) -> None:
    with pytest.raises(NoNeighbourJobcentre):
        route_application("751", neighbour, "751")

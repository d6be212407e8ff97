from tests.integration.conftest import Api, World, apply, drive, vacancy


def test_a_direct_case_can_be_driven_to_the_opinion_window(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    a = apply(api, world.applicant, v["id"])
    case = drive(api, world, a["id"], "opinion_window")
    assert case["deadlines"][0]["due"] == "2026-12-29"

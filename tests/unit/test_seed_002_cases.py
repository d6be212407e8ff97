"""The 25 costed cases of "Kompensering med gevinst" (seed 002) as a reference table.

Each case is recomputed from its hours, rate and amounts. A correct calculator reproduces them to the
krone; where the catalogue's printed figure is not what its own numbers give, the table says why and
the test asserts the true value (domain.md section 9). Line numbers point into the seed file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from fortrin.calculators import assistive_devices, personal_assistance, to_krone

RATE = Decimal("114.68")


@dataclass(frozen=True)
class PaCase:
    number: int
    line: int
    printed_hours: str
    printed_rate: str
    printed_monthly: int
    printed_jobcentre: int
    hours: Decimal  # what the catalogue's figures show was meant
    rate: Decimal = RATE
    discrepancy: str = ""


@dataclass(frozen=True)
class DeviceCase:
    number: int
    line: int
    items: tuple[str, ...]
    printed_total: str
    printed_jobcentre: str


PA_CASES = (
    PaCase(1, 594, "18", "114,68", 8938, 4469, Decimal(18)),
    PaCase(
        3,
        665,
        "12",
        "114,68",
        5958,
        2979,
        Decimal(12),
        discrepancy="printed 5.958 truncates 5.958,77 (to the krone: 5.959)",
    ),
    PaCase(
        7,
        822,
        "12",
        "114,68",
        5958,
        2979,
        Decimal(12),
        discrepancy="printed 5.958 truncates 5.958,77 (to the krone: 5.959)",
    ),
    PaCase(
        9,
        900,
        "12",
        "114,68",
        5958,
        2979,
        Decimal(12),
        discrepancy="printed 5.958 truncates 5.958,77 (to the krone: 5.959)",
    ),
    PaCase(
        11,
        983,
        "5",
        "114,68",
        4966,
        2483,
        Decimal(10),
        discrepancy="printed '5t' but 4.966 kr. is the cost of 10 hours (5 hours: 2.482,82)",
    ),
    PaCase(14, 1096, "15", "114,68", 7448, 3724, Decimal(15)),
    PaCase(
        15,
        1135,
        "20",
        "114,68",
        9932,
        4966,
        Decimal(20),
        discrepancy="printed 9.932 rounds 9.931,29 up (to the krone: 9.931)",
    ),
    PaCase(16, 1181, "15", "114,68", 7448, 3724, Decimal(15)),
    PaCase(
        21,
        1370,
        "17",
        "144,68",
        8442,
        4221,
        Decimal(17),
        discrepancy="printed rate '144,68' is a typo for 114,68 (8.442 kr. is 17 h at 114,68)",
    ),
    PaCase(22, 1410, "6,5", "114,68", 3228, 1614, Decimal("6.5")),
    PaCase(23, 1452, "11,5", "114,68", 5710, 2855, Decimal("11.5")),
    PaCase(24, 1489, "10", "114,68", 4966, 2483, Decimal(10)),
    PaCase(
        25,
        1527,
        "13",
        "114,68",
        6456,
        3228,
        Decimal(13),
        discrepancy="printed 6.456 rounds 6.455,34 up (to the krone: 6.455)",
    ),
)

DEVICE_CASES = (
    DeviceCase(2, 635, ("8507",), "8507", "4253.50"),
    DeviceCase(4, 702, ("20701",), "20701", "10350.50"),
    DeviceCase(5, 747, ("30271",), "30271", "15135.50"),
    DeviceCase(6, 783, ("3045",), "3045", "1522.50"),
    DeviceCase(8, 859, ("152",), "152", "76"),
    DeviceCase(10, 939, ("25000", "3150"), "28150", "14075"),  # Cobra CCTV and magnifiers
    DeviceCase(12, 1021, ("49390",), "49390", "24695"),
    DeviceCase(13, 1055, ("18050",), "18050", "9025"),
    DeviceCase(17, 1218, ("3250",), "3250", "1625"),
    DeviceCase(18, 1255, ("81386",), "81386", "40693"),
    DeviceCase(19, 1294, ("7770",), "7770", "3885"),
    DeviceCase(20, 1332, ("11990",), "11990", "5995"),
)


def test_the_table_has_the_25_cases_of_the_catalogue() -> None:
    numbers = sorted([c.number for c in PA_CASES] + [c.number for c in DEVICE_CASES])
    assert numbers == list(range(1, 26))


@pytest.mark.parametrize("case", PA_CASES, ids=lambda c: f"case-{c.number}")
def test_personal_assistance_cases_are_reproduced_to_the_krone(case: PaCase) -> None:
    result = personal_assistance(case.hours, case.rate)
    monthly = to_krone(result.exact_monthly_cost)
    jobcentre = to_krone(result.cost.municipality_cost)
    assert jobcentre == case.printed_jobcentre  # 50 % after the state refund
    if case.discrepancy:
        printed_inputs = personal_assistance(
            Decimal(case.printed_hours.replace(",", ".")),
            Decimal(case.printed_rate.replace(",", ".")),
        )
        printed_is_consistent = (
            to_krone(printed_inputs.exact_monthly_cost) == case.printed_monthly
            and monthly == case.printed_monthly
        )
        assert not printed_is_consistent, f"case {case.number} is no longer inconsistent"
    else:
        assert monthly == case.printed_monthly
        assert case.printed_hours.replace(",", ".") == f"{case.hours.normalize():f}"


def test_the_true_values_where_the_catalogue_is_wrong() -> None:
    true = {c.number: personal_assistance(c.hours, c.rate).cost.total for c in PA_CASES}
    assert true[3] == true[7] == true[9] == Decimal("5958.77")
    assert true[11] == Decimal("4965.64")  # 10 hours, not 5
    assert personal_assistance(Decimal(5), RATE).cost.total == Decimal("2482.82")
    assert true[15] == Decimal("9931.29")
    assert true[21] == Decimal("8441.59")  # at 114,68; at 144,68 it would be 10.649,89
    assert personal_assistance(Decimal(17), Decimal("144.68")).cost.total == Decimal("10649.89")
    assert true[25] == Decimal("6455.34")


@pytest.mark.parametrize("case", DEVICE_CASES, ids=lambda c: f"case-{c.number}")
def test_assistive_device_cases_are_reproduced_to_the_ore(case: DeviceCase) -> None:
    result = assistive_devices([Decimal(item) for item in case.items])
    assert result.total == Decimal(case.printed_total)
    assert result.municipality_cost == Decimal(case.printed_jobcentre)
    assert result.state_refund == Decimal(case.printed_jobcentre)

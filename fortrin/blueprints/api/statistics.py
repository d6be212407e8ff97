"""The figures of preferential access (issue 11, point 3; api-contract.md v2, "Documents and
figures"): ``GET /api/v1/statistics``, as JSON or, with ``Accept: text/csv``, as CSV."""

from __future__ import annotations

from datetime import date

from flask import Response, request
from pydantic import BaseModel, ConfigDict, Field

from fortrin import db, statistics
from fortrin.blueprints.api import bp, caller, render
from fortrin.blueprints.api.cards import ReportOut
from fortrin.blueprints.api.spec import QueryParam, api_route

CSV = "text/csv"


class PeriodOut(BaseModel):
    """One month (``2026-03``, cut to the period) or the whole period (``total``). A count hidden
    because it is 1 or 2 cases (not for admins) is null and named in ``suppressed``."""

    model_config = ConfigDict(populate_by_name=True)

    period: str
    from_: date = Field(alias="from")
    to: date
    applications: int | None
    assessments: int | None
    interviews_held: int | None
    hires: int | None
    statements: int | None
    statements_on_time: int | None
    negotiations: int | None
    negotiations_on_time: int | None
    negotiations_not_held: int | None
    refusals: int | None
    refusals_on_time: int | None
    opinions_requested: int | None
    breaches: int | None
    median_days_to_assessment: float | None
    median_days_statement_to_negotiation: float | None
    suppressed: list[str]


class DutyOnTimeOut(BaseModel):
    duty: str  # statement, negotiation, refusal
    threshold_working_days: int
    due: int | None
    on_time: int | None
    share: float | None


class CardFiguresOut(ReportOut):
    """The compensation card's figures (001; ``GET /api/v1/reports/compensation-cards``), for one
    jobcentre or (None) all."""

    model_config = ConfigDict(populate_by_name=True)

    jobcentre: str | None  # type: ignore[assignment]


class StatisticsOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    jobcentre: str | None
    organisation_id: str | None
    time_zone: str
    small_counts_hidden_below: int | None
    periods: list[PeriodOut]
    total: PeriodOut
    duties_on_time: list[DutyOnTimeOut]
    compensation_cards: CardFiguresOut | None


def _wants_csv() -> bool:
    return request.accept_mimetypes.best_match(["application/json", CSV]) == CSV


def csv_response(figures: statistics.Figures) -> Response:
    """The CSV as a download: UTF-8 with a byte order mark, so Excel reads æ, ø and å."""
    response = Response("\ufeff" + statistics.to_csv(figures), mimetype=CSV)
    response.headers["Content-Type"] = f"{CSV}; charset=utf-8; header=present"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{statistics.csv_filename(figures)}"'
    )
    return response


@api_route(
    bp,
    "/statistics",
    "GET",
    "Figures per month and for the period: applications, interviews, hires, statements, "
    "negotiations, refusals, opinions requested, breaches, medians and duties kept on time, with "
    "the compensation card's figures (caseworkers: their jobcentre's cases; employers: their own; "
    "admin: all). `Accept: text/csv` gives the same as CSV (semicolons, decimal commas)",
    "statistics",
    response=StatisticsOut,
    errors=(403,),
    also_as=(CSV,),
    query=(
        QueryParam(
            "from", {"type": "string", "format": "date"}, "first day (default: 12 months back)"
        ),
        QueryParam("to", {"type": "string", "format": "date"}, "last day (default: today)"),
        QueryParam(
            "jobcentre",
            {"type": "string"},
            "the cases this jobcentre handles (a caseworker: only their own)",
        ),
        QueryParam(
            "organisation_id",
            {"type": "string"},
            "the cases of this employer's vacancies (an employer: only their own)",
        ),
    ),
)
def get_statistics() -> Response:
    session = db.session()
    query = statistics.parse(session, caller(), request.args)
    figures = statistics.compute(session, caller(), query)
    if _wants_csv():
        return csv_response(figures)
    return render(figures.as_dict())

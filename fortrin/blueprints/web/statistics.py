"""The statistics page (issue 11, point 3): the figures of ``fortrin.statistics`` for caseworkers (their
jobcentre's area) and admins (every jobcentre, or one), with filters for the period, the jobcentre and
the employer, and a CSV download.

Each chart is inline SVG drawn here on the server (no script, which the Content-Security-Policy would
refuse anyway): ``role="img"`` with a title and a text alternative that carries the numbers, and the
same numbers in a real table beside it. No figure is told by colour alone: bars carry their number,
the lines of the trend differ in their marker and dash as well as their colour, and the legend shows
both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import col, select

from fortrin import db, statistics
from fortrin.blueprints.api.statistics import csv_response
from fortrin.blueprints.web import bp
from fortrin.blueprints.web.pages import page_locale, signed_in_user
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.i18n import N_
from fortrin.models import Jobcentre, Organisation
from fortrin.validation import DATE_FORMAT_PROBLEM, DATE_PROBLEM

# The page's query parameters, Danish as the page (like the queue's), and the service's names.
PARAMETERS = {
    "fra": "from",
    "til": "to",
    "jobcenter": "jobcentre",
    "arbejdsgiver": "organisation_id",
}

# What each figure is called on the page.
NAMES = {
    "applications": N_("Ansøgninger"),
    "assessments": N_("Vurderinger"),
    "interviews_held": N_("Samtaler holdt"),
    "hires": N_("Ansættelser"),
    "statements": N_("Redegørelser"),
    "statements_on_time": N_("Redegørelser til tiden"),
    "negotiations": N_("Forhandlinger"),
    "negotiations_on_time": N_("Forhandlinger til tiden"),
    "negotiations_not_held": N_("Forhandlinger ikke holdt"),
    "refusals": N_("Afslag"),
    "refusals_on_time": N_("Afslag til tiden"),
    "opinions_requested": N_("Anmodninger om udtalelse"),
    "breaches": N_("Overtrædelser"),
    "median_days_to_assessment": N_("Mediandage fra ansøgning til vurdering"),
    "median_days_statement_to_negotiation": N_("Mediandage fra redegørelse til forhandling"),
}
# The figures of the period's bar chart (counts of one kind each), in the case's order.
KEY_FIGURES = (
    "applications",
    "assessments",
    "interviews_held",
    "hires",
    "statements",
    "negotiations",
    "refusals",
    "opinions_requested",
    "breaches",
)
DUTY_NAMES = {
    "statement": N_("Skriftlig redegørelse efter beslutningen"),
    "negotiation": N_("Forhandling efter redegørelsen"),
    "refusal": N_("Afslag med klagevejledning efter beslutningen"),
}
CARD_NAMES = {
    "conversations": N_("Samtaler med borgere"),
    "cards_issued": N_("Kort udstedt"),
    "pre_approvals": N_("Forhåndstilkendegivelser"),
    "employments": N_("Ansættelser med kort"),
    "fast_track_tasks": N_("Bevillinger i hurtigt spor"),
    "fast_track_on_time": N_("Heraf behandlet til tiden"),
}
# The trend: three figures, each with its own marker and dash as well as colour (WCAG 1.4.1).
TREND = (
    ("applications", "#004d99", "circle", ""),
    ("hires", "#1a1a1a", "square", "6 4"),
    ("refusals", "#a3005b", "triangle", "2 3"),
)
# The service's problems, as the page words them (the error summary translates them).
FIELDS = {
    "from": ("stat-from", N_("Fra")),
    "to": ("stat-to", N_("Til")),
    "jobcentre": ("stat-jobcentre", N_("Jobcenter")),
    "organisation_id": ("stat-organisation", N_("Arbejdsgiver")),
}
PROBLEMS = {
    DATE_FORMAT_PROBLEM: N_("Skriv datoen som dag, måned og år."),
    DATE_PROBLEM: N_("Skriv en dato mellem år 1900 og 2100."),
    statistics.END_BEFORE_START: N_("Til-datoen skal ligge på eller efter fra-datoen."),
    statistics.PERIOD_TOO_LONG: N_("Perioden må højst være 10 år."),
    statistics.UNKNOWN_JOBCENTRE: N_("Vælg et jobcenter på listen."),
    statistics.UNKNOWN_ORGANISATION: N_("Vælg en arbejdsgiver på listen."),
}

# --- numbers the reader's way ---------------------------------------------------------------------


def _locale() -> str:
    return "en_GB" if page_locale() == "en" else "da"


def number(value: int | float | None) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.#", locale=_locale())


def percent(value: float | None) -> str:
    return "–" if value is None else format_percent(value, locale=_locale())


def hidden_text() -> str:
    """A hidden figure: small itself, or hidden so that a small one cannot be worked out (one
    word for both, so the two cannot be told apart)."""
    return gettext("skjult")


def shown(period: statistics.Period, name: str) -> str:
    """A figure of a period as the tables show it: hidden small counts say so."""
    if name in period.suppressed:
        return hidden_text()
    return number(period.values[name])


def month_name(day: date, short: bool = False) -> str:
    return format_date(day, "MMM" if short else "MMMM y", locale=_locale())


# --- the charts, drawn on the server ---------------------------------------------------------------

# viewBox units: an SVG scales to its column, about 340 px on a phone, so a 13-unit text is read at
# about 13 px there (and the desktop's narrower columns keep it near the page's own size).
BAR_WIDTH = 340
LINE_WIDTH = 360


# A bar chart's rows: the label on a line of its own, the bar under it and its number at its end
# (room for "1.234", or for "126 af 169 (75 %)" after a share's whole length).
ROW = 46
BAR_SPACE = 280
SHARE_SPACE = 200


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the number written at the bar's end
    y: float  # the top of the row
    width: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, each with its label above it and its number at its end. ``whole`` draws
    each bar's full length (100 %) as an outline, for shares."""

    ident: str
    title: str
    description: str
    bars: list[Bar]
    height: float
    whole: bool = False
    bar_space: float = BAR_SPACE
    width: float = BAR_WIDTH


def bar_chart(
    ident: str,
    title: str,
    rows: list[tuple[str, float | None, str]],
    whole: bool = False,
) -> BarChart:
    """``rows``: (label, length, text); a length of None (a hidden count) draws no bar. Lengths are
    shares (0-1) when ``whole``, else counts scaled to the longest."""
    top = max((length or 0 for _, length, _ in rows), default=0)
    scale = 1.0 if whole else (1 / top if top else 0)
    space = SHARE_SPACE if whole else BAR_SPACE
    bars = [
        Bar(label, text, index * ROW, round(space * (length or 0) * scale, 1))
        for index, (label, length, text) in enumerate(rows)
    ]
    description = "; ".join(f"{label}: {text}" for label, _, text in rows)
    return BarChart(ident, title, description, bars, len(rows) * ROW + 4, whole, space)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    marker: str  # circle, square, triangle
    dash: str
    segments: list[list[Point]]  # broken where a month's figure is hidden
    points: list[Point]


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class LineChart:
    ident: str
    title: str
    description: str
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: float
    right: float
    top: float
    bottom: float
    height: float
    width: float = LINE_WIDTH


def _nice_top(value: float) -> int:
    """A round top for the y axis: 1, 2, 5, 10, 20, 50, ... at or above ``value``."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def line_chart(ident: str, title: str, figures: statistics.Figures) -> LineChart:
    left, right, top, bottom = 34.0, LINE_WIDTH - 14.0, 12.0, 170.0
    periods = figures.periods
    count = len(periods)
    step = (right - left) / max(count - 1, 1)
    highest = max(
        (
            float(value)
            for period in periods
            for name, *_ in TREND
            if isinstance(value := period.values[name], int | float)
        ),
        default=0.0,
    )
    peak = _nice_top(highest)

    def x(index: int) -> float:
        return left + (index * step if count > 1 else (right - left) / 2)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / peak

    series = []
    lines = []
    for name, colour, marker, dash in TREND:
        segments: list[list[Point]] = [[]]
        points = []
        for index, period in enumerate(periods):
            value = period.values[name]
            if value is None:
                segments.append([])
                continue
            point = Point(round(x(index), 1), round(y(float(value)), 1))
            segments[-1].append(point)
            points.append(point)
        label = gettext(NAMES[name])
        series.append(Series(label, colour, marker, dash, [s for s in segments if s], points))
        lines.append(
            f"{label}: "
            + ", ".join(f"{month_name(p.first, True)} {shown(p, name)}" for p in periods)
        )
    one_year = len({period.first.year for period in periods}) == 1
    every = max(1, math.ceil(count / 12))
    x_ticks = [
        Tick(
            round(x(index), 1),
            month_name(period.first, True)
            if one_year
            else format_date(period.first, "MMM yy", locale=_locale()),
        )
        for index, period in enumerate(periods)
        if index % every == 0
    ]
    marks = (0, peak) if peak % 2 else (0, peak // 2, peak)  # whole numbers only
    y_ticks = [Tick(round(y(value), 1), number(value)) for value in marks]
    return LineChart(
        ident,
        title,
        ". ".join(lines),
        series,
        x_ticks,
        y_ticks,
        left,
        right,
        top,
        bottom,
        bottom + 56,
    )


# --- the page ------------------------------------------------------------------------------------------


def _service_args() -> dict[str, str | None]:
    return {name: request.args.get(param) for param, name in PARAMETERS.items()}


def _allowed() -> None:
    if signed_in_user().role not in ("caseworker", "admin"):
        raise Forbidden("Statistiksiden er for jobcentre og administratorer.")


@bp.get("/statistik")
@login_required
def statistics_page() -> ResponseReturnValue:
    _allowed()
    user = signed_in_user()
    session = db.session()
    errors: dict[str, str] = {}
    figures = None
    try:
        query = statistics.parse(session, user, _service_args())
        figures = statistics.compute(session, user, query)
    except ValidationFailed as error:
        errors = {name: PROBLEMS.get(problem, problem) for name, problem in error.fields.items()}
    values = {param: request.args.get(param, "") for param in PARAMETERS}
    if figures is not None:
        values["fra"] = figures.query.start.isoformat()
        values["til"] = figures.query.end.isoformat()
    jobcentres = (
        [(j.code, j.name) for j in session.exec(select(Jobcentre).order_by(col(Jobcentre.name)))]
        if user.role == "admin"
        else []
    )
    organisations = [
        (o.id, o.name) for o in session.exec(select(Organisation).order_by(col(Organisation.name)))
    ]
    labels = {name: (ident, gettext(label)) for name, (ident, label) in FIELDS.items()}
    return render_template(
        "statistics.html",
        figures=figures,
        errors=errors,
        labels=labels,
        values=values,
        jobcentres=jobcentres,
        organisations=organisations,
        organisation_name=dict(organisations).get(figures.query.organisation_id or "")
        if figures
        else None,
        **(_views(figures) if figures is not None else {}),
    ), (422 if errors else 200)


def _views(figures: statistics.Figures) -> dict[str, Any]:
    """The charts and table rows of the page, every text in the page's language."""
    total = figures.total
    key_rows = [
        (
            gettext(NAMES[name]),
            None if name in total.suppressed else float(total.values[name] or 0),
            shown(total, name),
        )
        for name in KEY_FIGURES
    ]
    duty_rows = []
    for duty in figures.duties:
        if duty.share is not None:
            text = gettext(
                "%(on_time)s af %(due)s (%(share)s)",
                on_time=number(duty.on_time),
                due=number(duty.due),
                share=percent(duty.share),
            )
        elif duty.due == 0:
            text = gettext("ingen i perioden")
        else:
            text = hidden_text()
        duty_rows.append((gettext(DUTY_NAMES[duty.duty]), duty.share, text))
    card_chart = None
    if figures.cards is not None:
        card_chart = bar_chart(
            "chart-cards",
            gettext("Kompensationskort i perioden"),
            [
                (gettext(label), float(figures.cards[name]), number(figures.cards[name]))
                for name, label in CARD_NAMES.items()
            ],
        )
    csv_args: dict[str, Any] = {
        param: value
        for param, value in {
            "fra": figures.query.start.isoformat(),
            "til": figures.query.end.isoformat(),
            "jobcenter": request.args.get("jobcenter") or None,
            "arbejdsgiver": figures.query.organisation_id,
        }.items()
        if value
    }
    return {
        "key_chart": bar_chart("chart-key", gettext("Antal i perioden"), key_rows),
        "duty_chart": bar_chart(
            "chart-duties", gettext("Andel af pligterne overholdt til tiden"), duty_rows, True
        ),
        "trend_chart": line_chart(
            "chart-trend", gettext("Ansøgninger, ansættelser og afslag måned for måned"), figures
        ),
        "card_chart": card_chart,
        "names": NAMES,
        "key_figures": KEY_FIGURES,
        "month_columns": statistics.FIGURES,
        "card_names": CARD_NAMES,
        "duty_names": DUTY_NAMES,
        "shown": shown,
        "hidden_text": hidden_text,
        "number": number,
        "percent": percent,
        "month_name": month_name,
        "csv_url": url_for("web.statistics_csv", **csv_args),
    }


@bp.get("/statistik.csv")
@login_required
def statistics_csv() -> ResponseReturnValue:
    """The page's figures as CSV for Excel (the API's CSV: semicolons, decimal commas)."""
    _allowed()
    user = signed_in_user()
    session = db.session()
    query = statistics.parse(session, user, _service_args())
    return csv_response(statistics.compute(session, user, query))

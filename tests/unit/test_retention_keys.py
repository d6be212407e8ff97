"""Retention keeps the timeline's codes, dates and yes/no answers and erases every free text: each
field an event can carry is classified, so a new field cannot slip through unerased."""

from __future__ import annotations

import inspect
import re
import typing

from fortrin import retention
from fortrin.workflows import preferential_access as pa


def _event_field_models() -> list[type[pa.EventFields]]:
    return [
        model
        for model in vars(pa).values()
        if isinstance(model, type)
        and issubclass(model, pa.EventFields)
        and model is not pa.EventFields
    ]


def _is_text(annotation: object) -> bool:
    """A plain ``str`` (possibly optional or annotated), not a Literal code."""
    if annotation is str:
        return True
    return any(_is_text(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def test_every_event_field_is_either_kept_or_erased() -> None:
    models = _event_field_models()
    assert len(models) >= 15
    for model in models:
        for name, info in model.model_fields.items():
            assert name in retention.KEPT_KEYS | retention.FREE_TEXT_KEYS, (model.__name__, name)
            if name in retention.KEPT_KEYS:
                # A kept field is a code, a date, a number or a yes/no, never free text (the
                # scheme codes presented are checked against the registry by the workflow).
                coded = name.endswith("_code") or name == "schemes_presented"
                assert coded or not _is_text(info.annotation), (model.__name__, name)
            else:
                assert _is_text(info.annotation), (model.__name__, name)
    assert not retention.KEPT_KEYS & retention.FREE_TEXT_KEYS


def test_every_key_the_service_adds_to_a_timeline_entry_is_classified() -> None:
    """The workflow and the case service add keys of their own (the deadline, the move, ...)."""
    from fortrin import cases

    added = set()
    for module in (pa, cases):
        added |= set(re.findall(r'record\["([a-z_]+)"\]', inspect.getsource(module)))
        added |= set(re.findall(r'^\s+"([a-z_]+)": ', inspect.getsource(cases._transfer), re.M))
    assert {"opinion_due", "complaint_guidance", "rescheduled"} <= added
    assert added <= retention.KEPT_KEYS | retention.FREE_TEXT_KEYS, sorted(
        added - retention.KEPT_KEYS - retention.FREE_TEXT_KEYS
    )


def test_free_texts_go_and_the_figures_stay() -> None:
    data = {
        "outcome": "not_hired",
        "reasoning": "Ansøgeren manglede erfaring med ...",
        "held_on": "2026-12-01",
        "card_id": None,
        "schemes_presented": ["interpretation"],
        "unknown_future_field": "anything",
    }
    assert retention.erased_data(data) == {
        "outcome": "not_hired",
        "held_on": "2026-12-01",
        "schemes_presented": ["interpretation"],
        "erased": ["reasoning", "unknown_future_field"],
    }
    # Erasing twice changes nothing more.
    once = retention.erased_data(data)
    assert retention.erased_data(once) == once
    # Nothing to erase: no marker.
    assert retention.erased_data({"eligible": True}) == {"eligible": True}

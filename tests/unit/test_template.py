from __future__ import annotations

import copy
from typing import Any

import pytest

from backend.credentials.template import parse_template, template_slug, template_urn
from backend.errors import InvalidInput
from tests.samples import TEMPLATE


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_template(data)
    return {p.field or "": p.message for p in caught.value.problems}


def changed(**fields: Any) -> dict[str, Any]:
    data = copy.deepcopy(TEMPLATE)
    for key, value in fields.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


def test_template_builds_achievement_with_every_annex_element() -> None:
    achievement = parse_template(TEMPLATE).achievement("urn:microcred:template:x")

    assert achievement["id"] == "urn:microcred:template:x"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["workload"] == {"hours": 50, "ects": 2.5}
    assert achievement["learningOutcomes"] == TEMPLATE["learningOutcomes"]
    assert (achievement["eqfLevel"], achievement["participation"]) == (6, "online")


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"learningOutcomes": []}, "learningOutcomes", "at least 1"),
        ({"learningOutcomes": ["ok", "  "]}, "learningOutcomes.1", "at least 1 character"),
        ({"eqfLevel": 9}, "eqfLevel", "less than or equal to 8"),
        ({"eqfLevel": 6.5}, "eqfLevel", "whole number"),
        ({"participation": "hybrid"}, "participation", "'online', 'onsite' or 'blended'"),
        ({"qualityAssurance": None}, "qualityAssurance", "missing"),
        ({"workload": {"hours": 0}}, "workload.hours", "greater than or equal to 1"),
        ({"workload": {"hours": 50, "ects": -1}}, "workload.ects", "greater than or equal to 0"),
        ({"learningOutcome": ["typo"]}, "learningOutcome", "unknown field"),
        ({"validUntil": "next year"}, "validUntil", "RFC 3339"),
    ],
)
def test_template_names_the_wrong_field(fields: dict[str, Any], field: str, says: str) -> None:
    found = problems(changed(**fields))
    assert field in found, found
    assert says in found[field]


def test_template_without_optional_level_is_accepted() -> None:
    assert "eqfLevel" not in parse_template(changed(eqfLevel=None)).achievement("urn:x:y")


def test_valid_until_is_normalised_to_utc() -> None:
    assert (
        parse_template(changed(validUntil="2031-12-03T12:00:00+02:00")).valid_until == "2031-12-03T10:00:00Z"
    )


def test_slug_and_urn() -> None:
    assert template_slug("Ethics of AI — micro-credential (2026)") == "ethics-of-ai-micro-credential-2026"
    assert template_slug("Łódź: Zażółć") == "odz-zazoc"
    assert template_urn("ethics", 1) == "urn:microcred:template:ethics"
    assert template_urn("ethics", 3) == "urn:microcred:template:ethics:v3"

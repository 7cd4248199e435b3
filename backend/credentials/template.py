"""The issuer's design of a micro-credential: the ``achievement`` of SPEC §1 without ``id``/``type``.

``TemplateSpec`` checks every Annex I element an issuer must give (title, learning outcomes,
workload, assessment, participation, quality assurance) and the optional ones, and refuses
unknown fields so that a misspelt ``learningOutcome`` is an error, not a silent omission.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from backend.credentials.dates import format_rfc3339, parse_rfc3339
from backend.errors import InvalidInput, Problem

TEMPLATE_URN_PREFIX = "urn:microcred:template:"
ACHIEVEMENT_TYPE = "MicroCredential"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Workload(_Strict):
    """Notional workload: hours of learning, and the ECTS credits where the course awards them."""

    hours: int = Field(ge=1, le=100_000)
    ects: float | int | None = Field(default=None, ge=0, le=1_000)

    @field_validator("hours", mode="before")
    @classmethod
    def _whole_hours(cls, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"hours must be a whole number, got {value!r}")
        return value


class Criteria(_Strict):
    narrative: Text


class TemplateSpec(_Strict):
    """What ``T.json`` holds (SPEC §6): the achievement, plus an optional ``validUntil``."""

    name: Text
    description: Text | None = None
    criteria: Criteria | None = None
    learning_outcomes: list[Text] = Field(alias="learningOutcomes", min_length=1)
    workload: Workload
    eqf_level: int | None = Field(default=None, alias="eqfLevel", ge=1, le=8)
    assessment: Text
    participation: Literal["online", "onsite", "blended"]
    quality_assurance: Text = Field(alias="qualityAssurance")
    prerequisites: list[Text] | None = None
    identity_verification: Text | None = Field(default=None, alias="identityVerification")
    stackable_into: list[Text] | None = Field(default=None, alias="stackableInto")
    valid_until: str | None = Field(default=None, alias="validUntil")

    @field_validator("eqf_level", mode="before")
    @classmethod
    def _integer_level(cls, value: Any) -> Any:
        if isinstance(value, bool) or not (value is None or isinstance(value, int)):
            raise ValueError(f"eqfLevel must be a whole number from 1 to 8, got {value!r}")
        return value

    @field_validator("valid_until")
    @classmethod
    def _rfc3339(cls, value: str | None) -> str | None:
        return None if value is None else format_rfc3339(parse_rfc3339(value, what="validUntil"))

    def achievement(self, template_urn: str) -> dict[str, Any]:
        """The ``credentialSubject.achievement`` object every credential of the template carries."""
        achievement: dict[str, Any] = {
            "id": template_urn,
            "type": ["Achievement"],
            "achievementType": ACHIEVEMENT_TYPE,
            "name": self.name,
        }
        if self.description is not None:
            achievement["description"] = self.description
        if self.criteria is not None:
            achievement["criteria"] = {"narrative": self.criteria.narrative}
        achievement["learningOutcomes"] = list(self.learning_outcomes)
        workload: dict[str, Any] = {"hours": self.workload.hours}
        if self.workload.ects is not None:
            workload["ects"] = self.workload.ects
        achievement["workload"] = workload
        if self.eqf_level is not None:
            achievement["eqfLevel"] = self.eqf_level
        achievement["assessment"] = self.assessment
        achievement["participation"] = self.participation
        achievement["qualityAssurance"] = self.quality_assurance
        for key, value in (
            ("identityVerification", self.identity_verification),
            ("prerequisites", self.prerequisites),
            ("stackableInto", self.stackable_into),
        ):
            if value is not None:
                achievement[key] = list(value) if isinstance(value, list) else value
        return achievement

    def as_json(self) -> dict[str, Any]:
        """The spec as ``T.json`` writes it (camelCase, absent fields left out)."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def parse_template(data: Any, *, source: str = "template") -> TemplateSpec:
    """A checked template from parsed JSON.

    Raises:
        InvalidInput: naming each wrong field by its JSON path.
    """
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a JSON object, got {type(data).__name__}")
    try:
        return TemplateSpec.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(f"{source} is not a valid micro-credential template", problems_of(err)) from None


def problems_of(err: ValidationError, *, line: int | None = None, entry: int | None = None) -> list[Problem]:
    """pydantic's errors as our problems, each with its JSON path (``workload.hours``)."""
    problems = []
    for detail in err.errors():
        path = ".".join(str(part) for part in detail["loc"])
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = "unknown field (check its spelling against docs/format.md)"
        elif detail["type"] == "missing":
            message = "required field is missing"
        elif "input" in detail and detail["type"] not in ("missing",):
            message = f"{message} (got {detail['input']!r})"
        problems.append(Problem(message, line=line, entry=entry, field=path))
    return problems


def template_slug(name: str) -> str:
    """A URN-safe slug of a template name: ``Ethics of AI — 2026`` → ``ethics-of-ai-2026``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].rstrip("-") or "template"


def template_urn(slug: str, version: int) -> str:
    """The achievement id of a template version: the first version is the bare slug."""
    return f"{TEMPLATE_URN_PREFIX}{slug}" if version == 1 else f"{TEMPLATE_URN_PREFIX}{slug}:v{version}"

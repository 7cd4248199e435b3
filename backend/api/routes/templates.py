"""Templates: the issuer's designs of a micro-credential, and their versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, status

from backend.api.deps import IssuanceDep, IssuerDep, StoreDep
from backend.api.routing import JsonRoute
from backend.api.schemas import TemplatePublic
from backend.credentials.template import parse_template
from backend.store import row_id

router = APIRouter(prefix="/api/v1/templates", tags=["templates"], route_class=JsonRoute)


SpecBody = Annotated[
    dict[str, Any],
    Body(description="the template: the achievement of docs/format.md, plus optional validUntil"),
]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_template(issuer: IssuerDep, issuance: IssuanceDep, spec: SpecBody) -> TemplatePublic:
    """Save a template (the achievement, as ``microcred issue --template`` reads it); the same
    spec again returns its existing version."""
    return TemplatePublic.of(issuance.save_template(row_id(issuer), parse_template(spec)))


@router.get("")
def list_templates(issuer: IssuerDep, store: StoreDep) -> list[TemplatePublic]:
    return [TemplatePublic.of(row) for row in store.templates(issuer_id=issuer.id)]


@router.get("/{template_id}")
def show_template(template_id: int, issuer: IssuerDep, store: StoreDep) -> TemplatePublic:
    return TemplatePublic.of(store.template(template_id, issuer_id=issuer.id))


@router.post("/{template_id}/versions", status_code=status.HTTP_201_CREATED)
def new_version(
    template_id: int,
    issuer: IssuerDep,
    issuance: IssuanceDep,
    spec: SpecBody,
) -> TemplatePublic:
    """A new version of the template; batches issued before keep the version they used."""
    return TemplatePublic.of(issuance.new_template_version(row_id(issuer), template_id, parse_template(spec)))

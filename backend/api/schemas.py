"""What the API returns: public views of the stored rows (never a key or a hash)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from backend.store import BatchRow, CredentialRow, TemplateRow


class TemplatePublic(BaseModel):
    id: int
    slug: str
    version: int
    urn: str
    spec: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, row: TemplateRow) -> TemplatePublic:
        return cls(
            id=row.id or 0,
            slug=row.slug,
            version=row.version,
            urn=row.urn,
            spec=json.loads(row.spec),
            created_at=row.created_at,
        )


class BatchPublic(BaseModel):
    id: str
    state: str
    count: int
    template_id: int
    chain_id: int
    registry: str
    valid_from: str
    valid_until: str | None
    root: str | None
    signature: str | None
    transaction: str | None
    block_number: int | None
    revoked_at: datetime | None
    revocation_reason: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    links: dict[str, str]

    @classmethod
    def of(cls, row: BatchRow) -> BatchPublic:
        return cls(
            id=row.id,
            state=str(row.state),
            count=row.count,
            template_id=row.template_id,
            chain_id=row.chain_id,
            registry=row.registry_address,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            root=row.root,
            signature=row.signature,
            transaction=row.tx_hash,
            block_number=row.block_number,
            revoked_at=row.revoked_at,
            revocation_reason=row.revocation_reason,
            error=row.error,
            created_at=row.created_at,
            updated_at=row.updated_at,
            links={
                "self": f"/api/v1/batches/{row.id}",
                "credentials": f"/api/v1/batches/{row.id}/credentials",
                "export": f"/api/v1/batches/{row.id}/export.zip",
            },
        )


class CredentialSummary(BaseModel):
    id: str
    index: int
    learner_name: str
    learner_email: str | None
    digest: str
    revoked_at: datetime | None
    revocation_reason: str | None
    replaced_by: str | None
    links: dict[str, str]

    @classmethod
    def of(cls, row: CredentialRow) -> CredentialSummary:
        return cls(
            id=row.id,
            index=row.index,
            learner_name=row.learner_name,
            learner_email=row.learner_email,
            digest=row.digest,
            revoked_at=row.revoked_at,
            revocation_reason=row.revocation_reason,
            replaced_by=row.replaced_by,
            links={
                "share": f"/v/{row.id}",
                "json": f"/api/v1/credentials/{row.id}.json",
                "pdf": f"/api/v1/credentials/{row.id}.pdf",
                "qr": f"/api/v1/credentials/{row.id}/qr.png",
            },
        )

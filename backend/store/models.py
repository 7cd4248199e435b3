"""The tables. Keys and secrets are never stored: an API key only as its SHA-256."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now(UTC)


def row_id(row: SQLModel) -> int:
    """The id of a row read from the database (SQLModel types it optional until it is saved)."""
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise ValueError(f"{type(row).__name__} has no id yet: it was never saved")
    return value


class BatchState(StrEnum):
    """A batch's progress; each state is recorded before the next step starts, so a crash
    between steps loses nothing and ``resume`` takes up where it stopped."""

    DRAFT = "draft"  # template version and learners recorded
    SEALED = "sealed"  # credentials, digests, root and signature recorded
    SUBMITTED = "submitted"  # anchoring transaction sent; its hash recorded
    ANCHORED = "anchored"  # transaction mined
    CONFIRMED = "confirmed"  # the configured number of blocks on top
    FAILED = "failed"  # refused by the registry; `error` says why


class IssuerRow(SQLModel, table=True):
    __tablename__ = "issuer"

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(index=True, unique=True, max_length=42)
    name: str
    url: str
    country: str = Field(max_length=2)
    api_key_hash: str | None = Field(default=None, index=True, unique=True, max_length=64)
    api_key_hint: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=_now)


class TemplateRow(SQLModel, table=True):
    __tablename__ = "template"
    __table_args__ = (UniqueConstraint("issuer_id", "slug", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer_id: int = Field(foreign_key="issuer.id", index=True)
    slug: str = Field(max_length=80)
    version: int
    urn: str
    spec: str = Field(sa_column=Column(Text, nullable=False))  # the TemplateSpec as JSON
    created_at: datetime = Field(default_factory=_now)


class BatchRow(SQLModel, table=True):
    __tablename__ = "batch"

    id: str = Field(primary_key=True, max_length=36)
    issuer_id: int = Field(foreign_key="issuer.id", index=True)
    template_id: int = Field(foreign_key="template.id")
    state: BatchState = Field(default=BatchState.DRAFT, index=True)
    count: int
    chain_id: int
    registry_address: str = Field(max_length=42)
    valid_from: str
    valid_until: str | None = None
    learners: str = Field(sa_column=Column(Text, nullable=False))  # the cohort as JSON, kept until sealed
    root: str | None = Field(default=None, index=True, max_length=66)
    signature: str | None = Field(default=None, max_length=132)
    tx_hash: str | None = Field(default=None, max_length=66)
    block_number: int | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    error: str | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class CredentialRow(SQLModel, table=True):
    __tablename__ = "credential"
    __table_args__ = (
        UniqueConstraint("batch_id", "index"),
        Index("ix_credential_batch_index", "batch_id", "index"),
    )

    id: str = Field(primary_key=True, max_length=45)  # urn:uuid:…
    batch_id: str = Field(foreign_key="batch.id")
    index: int
    learner_name: str
    learner_email: str | None = None
    salt: str = Field(max_length=66)
    digest: str = Field(max_length=66)
    document: str | None = Field(default=None, sa_column=Column(Text))  # the complete file, once signed
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    replaced_by: str | None = Field(default=None, max_length=45)

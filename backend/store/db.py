"""``Store``: every query the service makes, behind one object built from a database URL.

SQLite (the default, a file under ``.microcred/``) for one instance; PostgreSQL
(``postgresql+psycopg://…``) for several instances sharing one database. Each method is one
transaction: callers never hold a session, so nothing is left half-written.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, bindparam, event, func, insert, update
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, create_engine, select

from backend.errors import Conflict, NotFound
from backend.store.models import BatchRow, BatchState, CredentialRow, IssuerRow, TemplateRow

# Numbered rows (issuers, templates) have INTEGER keys, 32-bit in PostgreSQL. A number outside
# that range names no row; handed to the driver it would fail to bind and surface as a crash.
_MAX_ROW_NUMBER = 2**31 - 1


_Numbered = TypeVar("_Numbered", IssuerRow, TemplateRow)


def _get_by_number(session: Session, model: type[_Numbered], number: int) -> _Numbered | None:
    if not 1 <= number <= _MAX_ROW_NUMBER:
        return None
    return session.get(model, number)


_INSERT_CHUNK = 5_000


API_KEY_PREFIX = "mc_"


def new_api_key() -> str:
    """A fresh API key: shown once to its issuer, stored only as its hash."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(api_key: str) -> str:
    """API keys are random 32-byte tokens, so one SHA-256 (no slow KDF) is enough at rest."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = make_url(url)
        options: dict[str, Any] = {"echo": echo}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            options["connect_args"] = {"check_same_thread": False, "timeout": 30}
        elif parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
        self.url = parsed.render_as_string(hide_password=True)
        self.engine: Engine = create_engine(url, **options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        SQLModel.metadata.create_all(self.engine)

    def __repr__(self) -> str:
        return f"Store({self.url})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    # ───────────────────────────── issuers ─────────────────────────────

    def add_issuer(
        self, *, address: str, name: str, url: str, country: str, api_key: str | None = None
    ) -> IssuerRow:
        with self.session() as session:
            if session.exec(select(IssuerRow).where(IssuerRow.address == address)).first() is not None:
                raise Conflict(f"issuer {address} is already in the database")
            row = IssuerRow(address=address, name=name, url=url, country=country)
            if api_key is not None:
                row.api_key_hash, row.api_key_hint = hash_api_key(api_key), api_key[:8]
            session.add(row)
            session.commit()
            return row

    def set_api_key(self, issuer_id: int, api_key: str) -> None:
        with self.session() as session:
            row = _get_by_number(session, IssuerRow, issuer_id)
            if row is None:
                raise NotFound("issuer", issuer_id)
            row.api_key_hash, row.api_key_hint = hash_api_key(api_key), api_key[:8]
            session.add(row)
            session.commit()

    def issuer_by_address(self, address: str) -> IssuerRow | None:
        with self.session() as session:
            return session.exec(select(IssuerRow).where(IssuerRow.address == address)).first()

    def issuer_by_api_key(self, api_key: str) -> IssuerRow | None:
        with self.session() as session:
            return session.exec(
                select(IssuerRow).where(IssuerRow.api_key_hash == hash_api_key(api_key))
            ).first()

    def issuer(self, issuer_id: int) -> IssuerRow:
        with self.session() as session:
            row = _get_by_number(session, IssuerRow, issuer_id)
            if row is None:
                raise NotFound("issuer", issuer_id)
            return row

    def issuers(self) -> list[IssuerRow]:
        with self.session() as session:
            return list(session.exec(select(IssuerRow).order_by(IssuerRow.id)))  # type: ignore[arg-type]

    # ───────────────────────────── templates ─────────────────────────────

    def add_template_version(
        self, *, issuer_id: int, slug: str, urn_of: Any, spec: dict[str, Any]
    ) -> TemplateRow:
        """A new version of template `slug` (version 1 when it is new); `urn_of(version)` names it."""
        text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
        with self.session() as session:
            latest = session.exec(
                select(func.max(TemplateRow.version)).where(
                    TemplateRow.issuer_id == issuer_id, TemplateRow.slug == slug
                )
            ).one()
            version = (latest or 0) + 1
            row = TemplateRow(issuer_id=issuer_id, slug=slug, version=version, urn=urn_of(version), spec=text)
            session.add(row)
            session.commit()
            return row

    def find_template(self, *, issuer_id: int, slug: str, spec: dict[str, Any]) -> TemplateRow | None:
        """The latest version of `slug` if its spec equals `spec`, so that re-issuing reuses it."""
        text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
        with self.session() as session:
            latest = session.exec(
                select(TemplateRow)
                .where(TemplateRow.issuer_id == issuer_id, TemplateRow.slug == slug)
                .order_by(TemplateRow.version.desc())  # type: ignore[attr-defined]
            ).first()
            return latest if latest is not None and latest.spec == text else None

    def template(self, template_id: int, *, issuer_id: int | None = None) -> TemplateRow:
        with self.session() as session:
            row = _get_by_number(session, TemplateRow, template_id)
            if row is None or (issuer_id is not None and row.issuer_id != issuer_id):
                raise NotFound("template", template_id)
            return row

    def templates(self, *, issuer_id: int | None = None) -> list[TemplateRow]:
        with self.session() as session:
            query = select(TemplateRow).order_by(TemplateRow.slug, TemplateRow.version)  # type: ignore[arg-type]
            if issuer_id is not None:
                query = query.where(TemplateRow.issuer_id == issuer_id)
            return list(session.exec(query))

    # ───────────────────────────── batches ─────────────────────────────

    def add_batch(self, row: BatchRow) -> BatchRow:
        with self.session() as session:
            session.add(row)
            session.commit()
            return row

    def batch(self, batch_id: str, *, issuer_id: int | None = None) -> BatchRow:
        with self.session() as session:
            row = session.get(BatchRow, batch_id)
            if row is None or (issuer_id is not None and row.issuer_id != issuer_id):
                raise NotFound("batch", batch_id)
            return row

    def batch_by_root(self, root: str) -> BatchRow | None:
        with self.session() as session:
            return session.exec(select(BatchRow).where(BatchRow.root == root)).first()

    def batches(self, *, issuer_id: int | None = None, states: Sequence[BatchState] = ()) -> list[BatchRow]:
        with self.session() as session:
            query = select(BatchRow).order_by(BatchRow.created_at)  # type: ignore[arg-type]
            if issuer_id is not None:
                query = query.where(BatchRow.issuer_id == issuer_id)
            if states:
                query = query.where(BatchRow.state.in_(states))  # type: ignore[attr-defined]
            return list(session.exec(query))

    def update_batch(
        self, batch_id: str, *, expect: Iterable[BatchState] | None = None, **values: Any
    ) -> BatchRow:
        """Set `values` on the batch; with `expect`, only if it is in one of those states."""
        with self.session() as session:
            row = session.get(BatchRow, batch_id, with_for_update=True)
            if row is None:
                raise NotFound("batch", batch_id)
            if expect is not None and row.state not in set(expect):
                raise Conflict(f"batch {batch_id} is {row.state}, not {'/'.join(sorted(expect))}")
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = _now()
            session.add(row)
            session.commit()
            return row

    def seal_batch(
        self, batch_id: str, *, root: str, signature: str, credentials: Iterable[dict[str, Any]]
    ) -> None:
        """Store every credential and mark the batch sealed, all in one transaction."""
        with self.session() as session:
            row = session.get(BatchRow, batch_id, with_for_update=True)
            if row is None:
                raise NotFound("batch", batch_id)
            if row.state != BatchState.DRAFT:
                raise Conflict(f"batch {batch_id} is {row.state}, not draft")
            chunk: list[dict[str, Any]] = []
            for values in credentials:
                chunk.append(values)
                if len(chunk) == _INSERT_CHUNK:
                    session.execute(insert(CredentialRow), chunk)
                    chunk = []
            if chunk:
                session.execute(insert(CredentialRow), chunk)
            row.root, row.signature, row.state = root, signature, BatchState.SEALED
            row.learners = "[]"  # the credentials now hold the cohort
            row.updated_at = _now()
            session.add(row)
            session.commit()

    # ───────────────────────────── credentials ─────────────────────────────

    def credential(self, credential_id: str, *, issuer_id: int | None = None) -> CredentialRow:
        with self.session() as session:
            row = session.get(CredentialRow, credential_id)
            if row is None:
                raise NotFound("credential", credential_id)
            if issuer_id is not None and session.get(BatchRow, row.batch_id).issuer_id != issuer_id:  # type: ignore[union-attr]
                raise NotFound("credential", credential_id)
            return row

    def find_credential(self, credential_id: str) -> CredentialRow | None:
        with self.session() as session:
            return session.get(CredentialRow, credential_id)

    def credentials(self, batch_id: str, *, offset: int = 0, limit: int | None = None) -> list[CredentialRow]:
        with self.session() as session:
            query = (
                select(CredentialRow)
                .where(CredentialRow.batch_id == batch_id)
                .order_by(CredentialRow.index)  # type: ignore[arg-type]
                .offset(offset)
            )
            if limit is not None:
                query = query.limit(limit)
            return list(session.exec(query))

    def iter_credentials(self, batch_id: str, *, chunk: int = 5_000) -> Iterator[CredentialRow]:
        """Every credential of a batch in index order, `chunk` rows per query; keyset paging on
        (batch_id, index), so a million-row batch reads in linear time."""
        after = -1
        while True:
            with self.session() as session:
                rows = list(
                    session.exec(
                        select(CredentialRow)
                        .where(CredentialRow.batch_id == batch_id, col(CredentialRow.index) > after)
                        .order_by(col(CredentialRow.index))
                        .limit(chunk)
                    )
                )
            yield from rows
            if len(rows) < chunk:
                return
            after = rows[-1].index

    def set_documents(self, batch_id: str, documents: Iterable[tuple[str, str]]) -> None:
        """Store the complete files (id, JSON) of a batch's credentials."""
        with self.session() as session:
            chunk: list[dict[str, str]] = []
            for credential_id, text in documents:
                chunk.append({"cid": credential_id, "doc": text})
                if len(chunk) == _INSERT_CHUNK:
                    _update_documents(session, chunk)
                    chunk = []
            if chunk:
                _update_documents(session, chunk)
            session.commit()

    def mark_revoked(
        self, credential_ids: Sequence[str], *, reason: str, at: datetime, replaced_by: str | None = None
    ) -> None:
        with self.session() as session:
            values: dict[str, Any] = {"revoked_at": at, "revocation_reason": reason}
            if replaced_by is not None:
                values["replaced_by"] = replaced_by
            session.execute(
                update(CredentialRow)
                .where(col(CredentialRow.id).in_(credential_ids), col(CredentialRow.revoked_at).is_(None))
                .values(**values)
            )
            if replaced_by is not None:
                session.execute(
                    update(CredentialRow)
                    .where(col(CredentialRow.id).in_(credential_ids))
                    .values(replaced_by=replaced_by)
                )
            session.commit()

    def set_replaced_by(self, credential_id: str, replaced_by: str) -> None:
        with self.session() as session:
            row = session.get(CredentialRow, credential_id)
            if row is None:
                raise NotFound("credential", credential_id)
            row.replaced_by = replaced_by
            session.add(row)
            session.commit()

    def replacement_of(self, credential_id: str) -> str | None:
        row = self.find_credential(credential_id)
        return row.replaced_by if row is not None else None


def _update_documents(session: Session, chunk: list[dict[str, str]]) -> None:
    table = CredentialRow.__table__  # type: ignore[attr-defined]
    session.connection().execute(
        update(table).where(table.c.id == bindparam("cid")).values(document=bindparam("doc")), chunk
    )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

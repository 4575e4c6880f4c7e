"""Signing and confirming: the write path a viral spike hits.

Signing writes one row and nothing else; the confirmation e-mail, the constituency lookup and
the abuse rules run later in `processing`. Confirming is a POST (mail scanners fetch GETs) with
a signed, expiring token, and decides duplicates under a per-mailbox lock.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import psycopg
from django.conf import settings
from django.core import signing
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    DataError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from callingtime.core.recent import RecentValues
from callingtime.petitions.models import (
    ConsentWording,
    Petition,
    PetitionState,
    Signature,
    SignatureSource,
    SignatureState,
    SiteSwitches,
)
from callingtime.petitions.normalise import email_domain, email_normalise, name_normalise

_TOKEN_SALT = "callingtime.petitions.confirm"  # noqa: S105 - a salt, not a secret
# How long a worker process trusts its copy of a petition's state; a pause takes this long.
SIGNING_CONTEXT_SECONDS = 1.0

SIGNING_CLOSED = "This petition is closed: it no longer takes signatures."
SIGNING_PAUSED = "Signing is paused for a short while. Please try again in a few minutes."
NO_CONSENT_WORDING = "This site has no consent wording yet, so it cannot take signatures."


class SigningUnavailableError(Exception):
    """The petition cannot take a signature now; the message says why."""


@dataclass(frozen=True)
class SigningContext:
    """What the sign request needs to know, cached for a second per process."""

    petition_id: int
    exists: bool  # a petition the public may see (not a draft)
    is_open: bool
    paused: bool
    consent_id: int | None


_contexts: RecentValues[int, SigningContext] = RecentValues(SIGNING_CONTEXT_SECONDS)
_LARGEST_ID = 2**63  # a bigint primary key; larger ids in a URL name no petition


def consent_current() -> ConsentWording | None:
    """Return the consent wording new signers see (the newest version)."""
    return ConsentWording.objects.order_by("-created_at", "-pk").first()


def signing_context(*, petition_id: int) -> SigningContext:
    """Return a petition's signing state, read at most once a second per process.

    The sign POST is the hot path of a viral spike: with this cache it reads nothing from the
    database and writes its one row.
    """
    return _contexts.get(petition_id, _signing_context_read)


def _signing_context_read(petition_id: int) -> SigningContext:
    petition = (
        Petition.objects.filter(pk=petition_id)
        .only("state", "closing_date", "signing_paused")
        .first()
        if 0 < petition_id < _LARGEST_ID
        else None
    )
    consent = consent_current()
    return SigningContext(
        petition_id=petition_id,
        exists=petition is not None and petition.state != PetitionState.DRAFT,
        is_open=petition is not None and petition.is_open,
        paused=bool(petition and petition.signing_paused) or SiteSwitches.current().signing_paused,
        consent_id=consent.pk if consent else None,
    )


# Other per-process caches of petition state that must be dropped with the signing context.
_forget_with_context: list[Callable[[], None]] = []


def signing_context_forget() -> None:
    """Drop cached signing state (staff switches call this so their own process sees it at once)."""
    _contexts.clear()
    for forget in _forget_with_context:
        forget()


def forget_with_signing_context(forget: Callable[[], None]) -> None:
    """Have `signing_context_forget` also call `forget` (another cache of petition state)."""
    _forget_with_context.append(forget)


def signature_create(
    *,
    petition_id: int,
    name: str,
    email: str,
    postcode: str,
    uk_resident: bool,
    opt_in: bool,
    ip_address: str | None,
    share_channel: str = "",
    now: datetime | None = None,
) -> int:
    """Record a signature as pending with one INSERT and nothing else; return its id.

    Raises SigningUnavailableError when the petition is closed or signing is paused.
    """
    context = signing_context(petition_id=petition_id)
    if not context.is_open:
        raise SigningUnavailableError(SIGNING_CLOSED)
    if context.paused:
        raise SigningUnavailableError(SIGNING_PAUSED)
    if context.consent_id is None:
        raise SigningUnavailableError(NO_CONSENT_WORDING)
    # One lookup of the connection: each `connection.x` resolves the alias through a
    # context-local, which adds up at a spike's thousand signatures a second.
    db = connections[DEFAULT_DB_ALIAS]
    # In the order of _SIGNED_COLUMNS.
    signed = (
        petition_id,
        name,
        name_normalise(name),
        email,
        email_normalise(email),
        email_domain(email),
        postcode,
        uk_resident,
        opt_in,
        context.consent_id,
        share_channel,
        ip_address,  # `client_ip` has checked it; text suits both databases' columns
        db.ops.adapt_datetimefield_value(now or timezone.now()),
    )
    writer = _group_writer(db)
    if writer is not None:
        return writer.insert(signed)
    with _insert_cursor(db) as cursor:
        cursor.execute(_insert_plan(db), signed)
        row = cursor.fetchone()
    return int(row[0])


# The columns a signer's request fills; every other column starts at its model default.
_SIGNED_COLUMNS = (
    "petition_id",
    "name",
    "name_normalised",
    "email",
    "email_normalised",
    "email_domain",
    "postcode",
    "uk_resident",
    "opt_in",
    "consent_id",
    "share_channel",
    "ip_address",
    "created_at",
)


_insert_plans: dict[str, str] = {}


def _insert_plan(db: BaseDatabaseWrapper) -> str:
    """Return the signing INSERT for this database, built once per process.

    The same row `Model.save()` would write (a test holds them equal), without building a
    model instance and preparing twenty-three values on every request: at a spike's thousand
    signatures a second that work was a fifth of the request's time. The columns a signer
    does not fill hold their model defaults, written into the statement as constants.
    """
    sql = _insert_plans.get(db.vendor)
    if sql is None:
        fields = {f.attname: f for f in Signature._meta.concrete_fields if not f.primary_key}
        others = [f for attname, f in fields.items() if attname not in _SIGNED_COLUMNS]
        quote = db.ops.quote_name
        columns = [fields[attname].column for attname in _SIGNED_COLUMNS]
        columns += [f.column for f in others]
        values = ["%s"] * len(_SIGNED_COLUMNS)
        values += [_sql_constant(f.get_db_prep_save(f.get_default(), db)) for f in others]
        sql = (
            f"INSERT INTO {quote(Signature._meta.db_table)} "
            f"({', '.join(quote(str(c)) for c in columns)}) VALUES ({', '.join(values)}) "
            f"RETURNING {quote(str(Signature._meta.pk.column))}"
        )
        _insert_plans[db.vendor] = sql
    return sql


_SQL_WORD = re.compile(r"[a-z_]*")


def _sql_constant(value: Any) -> str:
    """Return a model default as SQL (NULL, a whole number or a plain lower-case word).

    The defaults are the model's own constants; anything else is refused rather than quoted.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str) and _SQL_WORD.fullmatch(value):
        return f"'{value!s}'"
    raise TypeError(f"no SQL constant for the default {value!r}")


class _ServerBindingCursors:
    """One server-binding psycopg cursor per PostgreSQL connection, reused by every signing.

    Django's psycopg cursors bind on the client: every INSERT is sent as new text that
    PostgreSQL parses and plans again. A server-binding cursor lets psycopg prepare the
    statement once per connection (after `prepare_threshold` uses, set in the settings) and
    then send only the values. Keeping the one cursor saves making and closing one a request.
    """

    def __init__(self) -> None:
        self._for: object | None = None
        self._cursor: psycopg.Cursor[Any] | None = None

    def cursor(self, raw: psycopg.Connection[Any]) -> psycopg.Cursor[Any]:
        if self._cursor is None or self._for is not raw or self._cursor.closed:
            self._cursor = psycopg.Cursor(raw)
            self._for = raw
        return self._cursor


_server_binding = _ServerBindingCursors()


@contextmanager
def _insert_cursor(db: BaseDatabaseWrapper) -> Iterator[Any]:
    """Yield a cursor for the signing INSERT: Django's, or on PostgreSQL a server-binding one.

    Errors are Django's either way, so the health check and the database-unavailable page
    behave the same. While queries are logged (DEBUG, tests) Django's cursor is used, because
    psycopg keeps no text of a prepared execution for the log.
    """
    if db.vendor != "postgresql" or db.queries_logged:
        with db.cursor() as cursor:
            yield cursor
        return
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        yield _server_binding.cursor(db.connection)


class _GroupWriter:
    """Commit the signatures a gevent worker's requests bring in at once, in one transaction.

    A sync worker answers one request at a time, so each signature is its own commit and its
    own round trip, and the worker sleeps through it. A gevent worker holds many requests: each
    one queues its row and waits; one writer greenlet sends every queued row's INSERT (one a
    signature, pipelined on one connection) and commits them together, then wakes their
    requests. While it waits for PostgreSQL the next rows queue, so a group is whatever
    arrived during the last commit: no timer, no added delay. A request is answered only
    after the commit that holds its row, so durability is the same as one commit each.
    """

    # Rows in one transaction at most; at a spike's rate a group holds a few dozen.
    MAX_GROUP = 500

    def __init__(self) -> None:
        # Only a gevent worker makes a writer, so only it imports gevent.
        from gevent import spawn
        from gevent.event import AsyncResult

        self._spawn = spawn
        self._answer_type = AsyncResult
        self._queue: list[tuple[tuple[Any, ...], Any]] = []
        self._writing = False

    def insert(self, signed: tuple[Any, ...]) -> int:
        db = connections[DEFAULT_DB_ALIAS]
        if db.connection is not None and not db.in_atomic_block and getattr(db, "pool", None):
            # Give a pooled connection back before waiting: requests holding every pooled
            # connection while they wait for the writer to get one would wait for ever.
            db.close()
        answer = self._answer_type()
        self._queue.append((signed, answer))
        if not self._writing:
            self._writing = True
            self._spawn(self._drain)
        return int(answer.get())

    def _drain(self) -> None:
        db = connections[DEFAULT_DB_ALIAS]  # the writer greenlet's own connection
        group: list[tuple[tuple[Any, ...], Any]] = []
        try:
            while self._queue:
                group = self._queue[: self.MAX_GROUP]
                del self._queue[: self.MAX_GROUP]
                self._commit(db, group)
        except BaseException as error:
            # The writer itself was stopped (the worker shutting down): nobody may wait on.
            left, self._queue = [*group, *self._queue], []
            for _, answer in left:
                if not answer.ready():
                    answer.set_exception(error)
            raise
        finally:
            self._writing = False
            # Back to the pool, or closed after an error, as at the end of a request.
            db.close_if_unusable_or_obsolete()

    def _commit(self, db: BaseDatabaseWrapper, group: list[tuple[tuple[Any, ...], Any]]) -> None:
        try:
            ids = _insert_together(db, [row for row, _ in group])
        except (IntegrityError, DataError):
            # One bad row must not fail the others: each alone, then, with its own answer.
            for row, answer in group:
                try:
                    answer.set(_insert_together(db, [row])[0])
                except Exception as error:  # handed to the one request it is for
                    answer.set_exception(error)
            return
        except Exception as error:  # every waiting request gets it: the 503 page
            for _, answer in group:
                answer.set_exception(error)
            # Closing a broken connection may fail in turn; the next group reconnects anyway.
            with suppress(DatabaseError):
                db.close()
            pool = getattr(db, "pool", None)
            if pool is not None:
                # A database restart breaks every pooled connection at once: drop them all
                # now rather than fail one more group for each.
                pool.check()
            return
        for (_, answer), signature_id in zip(group, ids, strict=True):
            answer.set(signature_id)


def _insert_together(db: BaseDatabaseWrapper, rows: list[tuple[Any, ...]]) -> list[int]:
    """INSERT each row, pipelined, and commit them in one transaction; return their ids.

    In autocommit the statements up to the pipeline's one sync point are one implicit
    transaction: all commit, or none. Leaving the pipeline waits for that commit.
    """
    with _insert_cursor(db) as cursor:
        with db.connection.pipeline():
            cursor.executemany(_insert_plan(db), rows, returning=True)
        ids = []
        while True:
            ids.append(int(cursor.fetchone()[0]))
            if not cursor.nextset():
                break
    return ids


_group_writers: dict[str, _GroupWriter | None] = {}


def _group_writer(db: BaseDatabaseWrapper) -> _GroupWriter | None:
    """Return this process's group writer under gevent on PostgreSQL, else None."""
    if db.vendor != "postgresql" or db.queries_logged:
        return None
    if db.alias not in _group_writers:
        _group_writers[db.alias] = _GroupWriter() if _gevent_patched() else None
    return _group_writers[db.alias]


def _gevent_patched() -> bool:
    gevent_monkey = sys.modules.get("gevent.monkey")
    return bool(gevent_monkey and gevent_monkey.is_module_patched("socket"))


def signature_token(*, signature: Signature) -> str:
    """Return the signed token of a signature's confirmation link."""
    return signing.dumps({"s": signature.pk}, salt=_TOKEN_SALT, compress=True)


class ConfirmOutcome(Enum):
    """What confirming did. A flagged signature reads as CONFIRMED to its signer."""

    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_SIGNED = "already_signed"
    EXPIRED = "expired"
    INVALID = "invalid"
    CLOSED = "closed"


@dataclass(frozen=True)
class ConfirmResult:
    outcome: ConfirmOutcome
    # The signature's petition with its campaign, read with the signature: the result page
    # needs both and need not ask again.
    petition: Petition | None


def signature_for_token(*, token: str) -> tuple[Signature | None, ConfirmOutcome | None]:
    """Return the signature a token names, or why it names none."""
    try:
        payload = signing.loads(token, salt=_TOKEN_SALT, max_age=settings.CONFIRM_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return None, ConfirmOutcome.EXPIRED
    except signing.BadSignature:
        return None, ConfirmOutcome.INVALID
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        return None, ConfirmOutcome.INVALID
    signature = Signature.objects.filter(pk=payload["s"], anonymised_at__isnull=True).first()
    if signature is None:
        return None, ConfirmOutcome.INVALID
    return signature, None


def _mailbox_lock(petition_id: int, mailbox: str) -> None:
    """Serialise confirmations of one mailbox on one petition (SQLite's IMMEDIATE already does)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [petition_id, mailbox])


# One mailbox may sign twice when the second signer shares the postcode but not the name:
# the household rule, for couples and families sharing an address.
HOUSEHOLD_SIGNATURES = 2


def _counted_already(signature: Signature) -> bool:
    """Whether the signer is counted already: by mailbox (online rules) or on paper.

    The mailbox rule: a validated signature of the same mailbox, unless it is the household
    rule's one more name at the same postcode. The paper rule: a counted paper line with the
    same normalised name and postcode. A paper line keyed first has often no e-mail at all,
    so the mailbox rule alone would count its signer again when they sign online too.
    """
    same_person = Q()
    if signature.email_normalised:
        same_person |= Q(email_normalised=signature.email_normalised)
    if signature.name_normalised and signature.postcode:
        same_person |= Q(
            source=SignatureSource.PAPER,
            name_normalised=signature.name_normalised,
            postcode=signature.postcode,
        )
    if not same_person:
        return False  # nothing to match a signer by
    mailbox: list[tuple[str, str]] = []
    for source, email, name, postcode in (
        Signature.objects.filter(same_person, petition_id=signature.petition_id)
        .filter(state=SignatureState.VALIDATED)
        .exclude(pk=signature.pk)
        .values_list("source", "email_normalised", "name_normalised", "postcode")
    ):
        if (
            source == SignatureSource.PAPER
            and name == signature.name_normalised
            and postcode == signature.postcode
        ):
            return True
        if signature.email_normalised and email == signature.email_normalised:
            mailbox.append((name, postcode))
    if not mailbox:
        return False
    if len(mailbox) >= HOUSEHOLD_SIGNATURES:
        return True
    (name, postcode) = mailbox[0]
    return not (postcode == signature.postcode and name != signature.name_normalised)


def signature_confirm(*, token: str, now: datetime | None = None) -> ConfirmResult:
    """Confirm the signature a token names, once; duplicates and flags never count."""
    found, problem = signature_for_token(token=token)
    if found is None:
        return ConfirmResult(problem or ConfirmOutcome.INVALID, None)
    with transaction.atomic():
        _mailbox_lock(found.petition_id, found.email_normalised)
        # Lock the signature only: FOR UPDATE on the join would also lock the petition row,
        # so every confirmation of a petition would queue for it, and so would the counter.
        signature = (
            Signature.objects.select_for_update(of=("self",))
            .select_related("petition__campaign")
            .get(pk=found.pk)
        )
        petition = signature.petition
        state = signature.state
        if state == SignatureState.VALIDATED:
            return ConfirmResult(ConfirmOutcome.ALREADY_CONFIRMED, petition)
        if state == SignatureState.FRAUDULENT:
            return ConfirmResult(ConfirmOutcome.CONFIRMED, petition)
        if state in (SignatureState.DUPLICATE, SignatureState.INVALIDATED):
            return ConfirmResult(ConfirmOutcome.ALREADY_SIGNED, petition)
        if not petition.is_open:
            return ConfirmResult(ConfirmOutcome.CLOSED, petition)
        if _counted_already(signature):
            signature.state = SignatureState.DUPLICATE
            signature.save(update_fields=["state"])
            return ConfirmResult(ConfirmOutcome.ALREADY_SIGNED, petition)
        signature.state = SignatureState.VALIDATED
        signature.validated_at = now or timezone.now()
        signature.save(update_fields=["state", "validated_at"])
    return ConfirmResult(ConfirmOutcome.CONFIRMED, petition)

"""Background processing of new signatures: constituency, abuse rules, confirmation e-mail.

The sign request only inserts a row; this job does everything else, a batch at a time. On
PostgreSQL each worker claims its batch with SKIP LOCKED, so several workers split the work.
Flags are silent: a flagged signer still gets an e-mail and their link "confirms", but the
row never counts (`signature_confirm` keeps it FRAUDULENT).

E-mail leaves after the batch commits, so no row lock (or SQLite's one write lock) is held
while talking to a mail server. A signer whose e-mail was lost can simply sign again: the
duplicate re-sends the confirmation of their first signature.
"""

from __future__ import annotations

import bisect
import ipaddress
import logging
import smtplib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from callingtime.areas.postcodes import PostcodeError, postcode_normalise
from callingtime.core.stores import GeographyNotLoadedError, areas_store
from callingtime.petitions.models import (
    BlockedItem,
    BlockKind,
    Petition,
    Signature,
    SignatureState,
)
from callingtime.petitions.models.petition import UNKNOWN_CONSTITUENCY
from callingtime.petitions.signing import HOUSEHOLD_SIGNATURES, signature_token

logger = logging.getLogger(__name__)

CONFIRM_SUBJECT = "Please confirm your signature"
CONFIRM_TEMPLATE = "petitions/email/signature_confirm.txt"

FLAG_BLOCKED_IP = "blocked ip"
FLAG_BLOCKED_DOMAIN = "blocked e-mail domain"
FLAG_BLOCKED_EMAIL = "blocked e-mail"
FLAG_BURST = "burst limit"
FLAG_SUSTAINED = "sustained limit"

BURST_WINDOW = timedelta(minutes=1)
SUSTAINED_WINDOW = timedelta(hours=1)

_UPDATED_FIELDS = [
    "state",
    "constituency_code",
    "flag_reason",
    "processed_at",
    "confirmation_emails_sent",
]


def signature_confirm_url(*, signature: Signature) -> str:
    """Return the link a signer follows to confirm (the page shows a button; POST confirms)."""
    return f"{settings.SITE_URL}/signatures/{signature_token(signature=signature)}/confirm/"


def _postcode_key(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def _postcode_normalised(postcode: str) -> str:
    try:
        return postcode_normalise(postcode)
    except PostcodeError:
        return ""  # in no answer of the lookup: not known


class ConstituencyCodes:
    """Postcode → constituency code from the local lookup; '' whenever it cannot say."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def prefetch(self, postcodes: Iterable[str]) -> None:
        wanted = {p for p in postcodes if p and _postcode_key(p) not in self._codes}
        if not wanted:
            return
        try:
            with areas_store() as store:
                found = store.postcode_constituency_codes(wanted)  # one query for the batch
        except GeographyNotLoadedError:
            found = {}
        for postcode in wanted:
            self._codes[_postcode_key(postcode)] = found.get(
                _postcode_normalised(postcode), UNKNOWN_CONSTITUENCY
            )

    def code(self, postcode: str) -> str:
        if not postcode:
            return UNKNOWN_CONSTITUENCY
        self.prefetch([postcode])
        return self._codes[_postcode_key(postcode)]


@dataclass
class _BlockList:
    ips: set[str] = field(default_factory=set)
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    domains: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> _BlockList:
        blocks = cls()
        for kind, value in BlockedItem.objects.values_list("kind", "value"):
            if kind == BlockKind.IP and "/" in value:
                blocks.networks.append(ipaddress.ip_network(value, strict=False))
            elif kind == BlockKind.IP:
                blocks.ips.add(value)
            elif kind == BlockKind.DOMAIN:
                blocks.domains.add(value)
            elif kind == BlockKind.EMAIL:
                blocks.emails.add(value)
        return blocks

    def reason(self, signature: Signature) -> str:
        ip = signature.ip_address
        if ip and (ip in self.ips or any(ipaddress.ip_address(ip) in n for n in self.networks)):
            return FLAG_BLOCKED_IP
        if signature.email and signature.email_normalised in self.emails:
            return FLAG_BLOCKED_EMAIL
        domain = signature.email_domain
        if domain and any(domain == d or domain.endswith("." + d) for d in self.domains):
            return FLAG_BLOCKED_DOMAIN
        return ""


class _IpRates:
    """Signatures per IP across all petitions, so the n-th one in a window can be flagged."""

    def __init__(self, batch: list[Signature]) -> None:
        self._seen: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        ips = {s.ip_address for s in batch if s.ip_address}
        if not ips:
            return
        earliest = min(s.created_at for s in batch) - SUSTAINED_WINDOW
        latest = max(s.created_at for s in batch)
        rows = Signature.objects.filter(
            ip_address__in=ips, created_at__gt=earliest, created_at__lte=latest
        ).values_list("ip_address", "created_at", "pk")
        for ip, created_at, pk in rows:
            self._seen[str(ip)].append((created_at, pk))
        for times in self._seen.values():
            times.sort()

    def reason(self, signature: Signature) -> str:
        if not signature.ip_address:
            return ""
        # Windows end at the signature's own time, not now, so a backlog is judged fairly.
        times = self._seen[signature.ip_address]
        upto = bisect.bisect_right(times, (signature.created_at, signature.pk))
        for window, limit, reason in (
            (BURST_WINDOW, settings.SIGN_BURST_LIMIT, FLAG_BURST),
            (SUSTAINED_WINDOW, settings.SIGN_SUSTAINED_LIMIT, FLAG_SUSTAINED),
        ):
            start = bisect.bisect_right(times, (signature.created_at - window, 2**63))
            if upto - start > limit:
                return reason
        return ""


class _Judge:
    """Applies the rules to one claimed batch, in id order, each row seeing those before it."""

    def __init__(self, batch: list[Signature], codes: ConstituencyCodes, now: datetime) -> None:
        self.batch = batch
        self.batch_ids = {s.pk for s in batch}
        self.codes = codes
        self.now = now
        self.blocks = _BlockList.load()
        self.rates = _IpRates(batch)
        mailboxes = {s.email_normalised for s in batch if s.email}
        petition_ids = {s.petition_id for s in batch}
        scope = Signature.objects.filter(
            petition_id__in=petition_ids, email_normalised__in=mailboxes
        )
        self.emails_sent: Counter[tuple[int, str]] = Counter()
        for row in (
            scope.values("petition_id", "email_normalised")
            .annotate(n=Sum("confirmation_emails_sent"))
            .order_by()
        ):
            self.emails_sent[(row["petition_id"], row["email_normalised"])] = row["n"] or 0
        # Only rows already processed are "before" this batch; unprocessed ones come later.
        self.earlier: dict[tuple[int, str], list[Signature]] = defaultdict(list)
        for other in scope.filter(
            state__in=[SignatureState.PENDING, SignatureState.VALIDATED],
            processed_at__isnull=False,
        ).order_by("pk"):
            self.earlier[(other.petition_id, other.email_normalised)].append(other)
        self.outbox: list[Signature] = []
        self.bumped_elsewhere: Counter[int] = Counter()
        self.states: Counter[str] = Counter()

    def run(self) -> list[Signature]:
        for signature in self.batch:
            self._judge(signature)
            signature.processed_at = self.now
            self.states[str(signature.state)] += 1
        return self.outbox

    def _judge(self, signature: Signature) -> None:
        if not signature.constituency_code:
            signature.constituency_code = self.codes.code(signature.postcode)
        if signature.state != SignatureState.PENDING or not signature.email:
            return  # paper or already judged elsewhere: only the constituency is filled in
        key = (signature.petition_id, signature.email_normalised)
        reason = self.blocks.reason(signature) or self.rates.reason(signature)
        if reason:
            signature.state = SignatureState.FRAUDULENT
            signature.flag_reason = reason
        else:
            original, duplicate = self._duplicate_of(signature, self.earlier[key])
            if duplicate:
                signature.state = SignatureState.DUPLICATE
                if original is not None and original.state == SignatureState.PENDING:
                    self._email(original, key)
                return
            self.earlier[key].append(signature)
        self._email(signature, key)

    @staticmethod
    def _duplicate_of(
        signature: Signature, earlier: list[Signature]
    ) -> tuple[Signature | None, bool]:
        postcode = _postcode_key(signature.postcode)
        for other in earlier:
            if other.name_normalised == signature.name_normalised and (
                _postcode_key(other.postcode) == postcode
            ):
                return other, True
        if len(earlier) >= HOUSEHOLD_SIGNATURES:
            return None, True
        if earlier:
            # The household rule: a second signer of one mailbox shares its postcode.
            return None, _postcode_key(earlier[0].postcode) != postcode
        return None, False

    def _email(self, signature: Signature, key: tuple[int, str]) -> None:
        if self.emails_sent[key] >= settings.CONFIRMATION_EMAILS_MAX:
            return
        self.emails_sent[key] += 1
        if signature.pk in self.batch_ids:
            signature.confirmation_emails_sent += 1
        else:
            self.bumped_elsewhere[signature.pk] += 1
        self.outbox.append(signature)


def _batch_claim(limit: int) -> list[Signature]:
    pending = Signature.objects.filter(processed_at__isnull=True).order_by("pk")
    if connection.vendor == "postgresql":
        pending = pending.select_for_update(skip_locked=True)
    return list(pending[:limit])


def _organisations_text(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _messages(outbox: list[Signature]) -> list[EmailMessage]:
    petition_ids = {s.petition_id for s in outbox}
    petitions = {
        p.pk: p
        for p in Petition.objects.filter(pk__in=petition_ids)
        .select_related("campaign")
        .prefetch_related("campaign__organisations")
    }
    messages = []
    for signature in outbox:
        petition = petitions[signature.petition_id]
        body = render_to_string(
            CONFIRM_TEMPLATE,
            {
                "name": signature.name,
                "petition": petition,
                "organisations": _organisations_text(
                    [o.name for o in petition.campaign.organisations.all()]
                ),
                "confirm_url": signature_confirm_url(signature=signature),
                "valid_days": settings.CONFIRM_TOKEN_MAX_AGE // 86_400,
                "site_url": settings.SITE_URL,
            },
        )
        messages.append(
            EmailMessage(CONFIRM_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [signature.email])
        )
    return messages


def _outbox_send(outbox: list[Signature]) -> int:
    """Send the batch's e-mails over one connection; give back the allowance of any that fail."""
    if not outbox:
        return 0
    messages = _messages(outbox)
    failed: Counter[int] = Counter()
    sent = 0
    mail = get_connection()
    try:
        mail.open()
    except (smtplib.SMTPException, OSError):
        failed.update(s.pk for s in outbox)
    else:
        for signature, message in zip(outbox, messages, strict=True):
            try:
                sent += mail.send_messages([message]) or 0
            except (smtplib.SMTPException, OSError):
                failed[signature.pk] += 1
        mail.close()
    if failed:
        logger.warning("%d confirmation e-mails failed to send", sum(failed.values()))
        with transaction.atomic():
            for pk, n in failed.items():
                Signature.objects.filter(pk=pk, confirmation_emails_sent__gte=n).update(
                    confirmation_emails_sent=F("confirmation_emails_sent") - n
                )
    return sent


def signatures_process_new(*, limit: int = 500, now: datetime | None = None) -> int:
    """Process one batch of new signatures and send their e-mails; return how many."""
    now = now or timezone.now()
    codes = ConstituencyCodes()
    # Look postcodes up before the write transaction, so no lock waits on the geography store.
    codes.prefetch(
        Signature.objects.filter(processed_at__isnull=True)
        .order_by("pk")
        .values_list("postcode", flat=True)[:limit]
    )
    with transaction.atomic():
        batch = _batch_claim(limit)
        if not batch:
            return 0
        judge = _Judge(batch, codes, now)
        outbox = judge.run()
        Signature.objects.bulk_update(batch, _UPDATED_FIELDS, batch_size=250)
        for pk, n in judge.bumped_elsewhere.items():
            Signature.objects.filter(pk=pk).update(
                confirmation_emails_sent=F("confirmation_emails_sent") + n
            )
    sent = _outbox_send(outbox)
    logger.info(
        "processed %d signatures (%s); sent %d e-mails",
        len(batch),
        ", ".join(f"{state} {n}" for state, n in sorted(judge.states.items())),
        sent,
    )
    return len(batch)

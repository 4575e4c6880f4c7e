"""Abuse controls staff use: block lists, the hourly trending report and invalidations.

Block lists are site-wide and act silently when new signatures are processed. The trending
report shows which IPs and e-mail domains sign a petition fastest. An invalidation removes
signatures matching staff-chosen conditions from the counts, after a dry-run count: it is
the tool for cleaning up after a bot that got past the heuristics.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from callingtime.campaigns.roles import Capability, User, campaign_require
from callingtime.petitions.counting import petition_counts_reconcile
from callingtime.petitions.models import (
    BlockedItem,
    BlockKind,
    Invalidation,
    Petition,
    Signature,
    SignatureState,
    TrendingEntry,
)
from callingtime.petitions.normalise import email_domain, email_normalise, name_normalise

BLOCK_KIND_INVALID = "{kind!r} cannot be blocked: choose an IP address, e-mail domain or e-mail."
BLOCK_IP_INVALID = "{value!r} is not an IP address or network, e.g. 192.0.2.10 or 192.0.2.0/24."
BLOCK_NETWORK_TOO_WIDE = (
    "{value} covers too many people: block at most a /{v4} IPv4 or /{v6} IPv6 network."
)
BLOCK_DOMAIN_INVALID = "{value!r} is not an e-mail domain, e.g. example.org."
BLOCK_EMAIL_INVALID = "{value!r} is not an e-mail address, e.g. someone@example.org."
BLOCK_EXISTS = "{value} is already on the block list."
BLOCK_NOT_FOUND = "That block-list entry no longer exists."

CONDITIONS_EMPTY = "Choose at least one condition."
CONDITION_IP_INVALID = BLOCK_IP_INVALID
CONDITION_DOMAIN_INVALID = BLOCK_DOMAIN_INVALID
CONDITION_DATE_INVALID = "{value!r} is not a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM."
CONDITION_DATES_ORDER = "“Created from” must be earlier than “created before”."
CONDITION_STATE_INVALID = "{value!r} is not a state that counts: choose pending or validated."
CONDITION_TOO_LONG = "At most {n} characters."

# Wider networks would silently flag whole ISPs' customers.
_WIDEST_V4, _WIDEST_V6 = 16, 48
_DOMAIN = re.compile(r"^(?=.{3,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$")
_CONDITION_MAX = 254
TRENDING_KEEP = timedelta(days=30)  # the report names IPs: keep a month, not forever

# The conditions an invalidation may combine (all must match), in the order summaries use.
CONDITION_LABELS = {
    "ip": "IP address or network",
    "email_domain": "E-mail domain",
    "email_contains": "E-mail contains",
    "name_contains": "Name contains",
    "postcode_prefix": "Postcode starts with",
    "constituency_code": "Constituency code",
    "created_after": "Created from",
    "created_before": "Created before",
    "state": "State",
}
# Conditions that name people; anonymisation blanks them in the invalidation record.
PERSONAL_CONDITIONS = frozenset(
    {"ip", "email_domain", "email_contains", "name_contains", "postcode_prefix"}
)
COUNTED_STATES = (SignatureState.PENDING, SignatureState.VALIDATED)


class AbuseInputError(ValueError):
    """A block-list value staff gave that cannot be used; the message says why."""


class InvalidationConditionsError(ValueError):
    """Conditions that cannot be used; `errors` maps each field (or '') to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """Return the network a CIDR value names, None for a single address; ValueError if neither."""
    if "/" not in value:
        ipaddress.ip_address(value)
        return None
    return ipaddress.ip_network(value, strict=False)


def _ip_value(value: str) -> str:
    network = _network(value)
    return str(ipaddress.ip_address(value)) if network is None else str(network)


def blocked_value_normalise(*, kind: str, value: str) -> str:
    """Return the form a block-list value is stored and matched in; AbuseInputError if bad."""
    value = value.strip()
    if kind == BlockKind.IP:
        try:
            network = _network(value)
        except ValueError as error:
            raise AbuseInputError(BLOCK_IP_INVALID.format(value=value)) from error
        if network is not None and network.prefixlen < (
            _WIDEST_V4 if network.version == 4 else _WIDEST_V6
        ):
            raise AbuseInputError(
                BLOCK_NETWORK_TOO_WIDE.format(value=network, v4=_WIDEST_V4, v6=_WIDEST_V6)
            )
        return _ip_value(value)
    if kind == BlockKind.DOMAIN:
        domain = email_domain("x@" + value.lstrip("@"))
        if not _DOMAIN.match(domain):
            raise AbuseInputError(BLOCK_DOMAIN_INVALID.format(value=value))
        return domain
    if kind == BlockKind.EMAIL:
        local, _, domain = value.rpartition("@")
        if not local or not _DOMAIN.match(domain.lower()) or " " in value:
            raise AbuseInputError(BLOCK_EMAIL_INVALID.format(value=value))
        return email_normalise(value)
    raise AbuseInputError(BLOCK_KIND_INVALID.format(kind=kind))


def blocked_item_add(
    *, kind: str, value: str, reason: str = "", user: User | None = None
) -> BlockedItem:
    """Block an IP or network, e-mail domain or e-mail for signatures processed from now on."""
    normalised = blocked_value_normalise(kind=kind, value=value)
    try:
        with transaction.atomic():
            return BlockedItem.objects.create(
                kind=kind,
                value=normalised,
                reason=reason.strip()[:200],
                created_by_id=user.pk if user is not None and user.is_authenticated else None,
            )
    except IntegrityError as error:
        raise AbuseInputError(BLOCK_EXISTS.format(value=normalised)) from error


def blocked_item_remove(*, item_id: int, user: User | None = None) -> BlockedItem:
    """Take an entry off the block list (signatures it already flagged stay flagged)."""
    item = BlockedItem.objects.filter(pk=item_id).first()
    if item is None:
        raise AbuseInputError(BLOCK_NOT_FOUND)
    item.delete()
    return item


def blocked_items_list() -> QuerySet[BlockedItem]:
    """Return the block list, newest first."""
    return BlockedItem.objects.select_related("created_by").order_by("-created_at", "-pk")


def trending_report_build(
    *, now: datetime | None = None, window: timedelta = timedelta(hours=1), top: int = 10
) -> int:
    """Write the fastest-signing IPs and e-mail domains of each petition; return entries written.

    Only values seen at least twice in the window are listed: one signature is not a trend.
    """
    end = now or timezone.now()
    start = end - window
    recent = Signature.objects.filter(created_at__gte=start, created_at__lt=end)
    found: dict[int, list[TrendingEntry]] = defaultdict(list)
    for kind, column, rows in (
        (BlockKind.IP, "ip_address", recent.exclude(ip_address__isnull=True)),
        (BlockKind.DOMAIN, "email_domain", recent.exclude(email_domain="")),
    ):
        grouped = (
            rows.values("petition_id", column)
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .order_by("petition_id", "-n", column)
        )
        per_kind: dict[int, int] = defaultdict(int)
        for row in grouped:
            petition_id = row["petition_id"]
            if per_kind[petition_id] < top:
                per_kind[petition_id] += 1
                found[petition_id].append(
                    TrendingEntry(
                        petition_id=petition_id,
                        kind=kind,
                        value=str(row[column]),
                        signature_count=row["n"],
                        window_start=start,
                        window_end=end,
                    )
                )
    entries = [entry for petition_entries in found.values() for entry in petition_entries]
    with transaction.atomic():
        TrendingEntry.objects.filter(
            Q(window_end=end) | Q(window_end__lt=end - TRENDING_KEEP)
        ).delete()
        TrendingEntry.objects.bulk_create(entries)
    return len(entries)


@dataclass(frozen=True)
class TrendingReport:
    """The latest report of one petition."""

    window_start: datetime
    window_end: datetime
    ips: list[TrendingEntry]
    domains: list[TrendingEntry]


def trending_latest(*, petition: Petition) -> TrendingReport | None:
    """Return the petition's latest trending report, or None if none was written yet."""
    latest = TrendingEntry.objects.filter(petition=petition).order_by("-window_end").first()
    if latest is None:
        return None
    entries = list(
        TrendingEntry.objects.filter(petition=petition, window_end=latest.window_end).order_by(
            "-signature_count", "value"
        )
    )
    return TrendingReport(
        window_start=latest.window_start,
        window_end=latest.window_end,
        ips=[e for e in entries if e.kind == BlockKind.IP],
        domains=[e for e in entries if e.kind == BlockKind.DOMAIN],
    )


def _moment(text: str) -> datetime:
    """Return an aware datetime for a date (midnight) or a date and time in local time."""
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(text)
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def invalidation_conditions_parse(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the usable conditions in data (a form's fields), or raise with every problem."""
    conditions: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in CONDITION_LABELS:
        raw = data.get(key)
        value = " ".join(str(raw).split()) if raw is not None else ""
        if not value:
            continue
        if len(value) > _CONDITION_MAX:
            errors[key] = CONDITION_TOO_LONG.format(n=_CONDITION_MAX)
            continue
        try:
            conditions[key] = _condition_clean(key, value)
        except ValueError as error:
            errors[key] = str(error)
    after, before = conditions.get("created_after"), conditions.get("created_before")
    if after and before and _moment(after) >= _moment(before):
        errors["created_before"] = CONDITION_DATES_ORDER
    if not conditions and not errors:
        errors[""] = CONDITIONS_EMPTY
    if errors:
        raise InvalidationConditionsError(errors)
    return conditions


def _condition_clean(key: str, value: str) -> str:
    if key == "ip":
        try:
            return _ip_value(value)
        except ValueError:
            raise ValueError(CONDITION_IP_INVALID.format(value=value)) from None
    if key == "email_domain":
        domain = email_domain("x@" + value.lstrip("@"))
        if not _DOMAIN.match(domain):
            raise ValueError(CONDITION_DOMAIN_INVALID.format(value=value))
        return domain
    if key in ("created_after", "created_before"):
        try:
            _moment(value)
        except ValueError:
            raise ValueError(CONDITION_DATE_INVALID.format(value=value)) from None
        return value
    if key == "state":
        if value.lower() not in COUNTED_STATES:
            raise ValueError(CONDITION_STATE_INVALID.format(value=value))
        return value.lower()
    if key in ("postcode_prefix", "constituency_code"):
        return value.upper()
    return value


def invalidation_summary(conditions: Mapping[str, str]) -> str:
    """Return the conditions as one line for people, e.g. 'E-mail domain: example.org'."""
    parts = [
        f"{label}: {conditions[k]}" for k, label in CONDITION_LABELS.items() if k in conditions
    ]
    return "; ".join(parts)[:300]


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _matching(
    petition: Petition, conditions: Mapping[str, str]
) -> tuple[QuerySet[Signature], _Network | None]:
    """Return the rows the SQL-expressible conditions match, and any network still to test."""
    network = None
    rows = Signature.objects.filter(petition=petition, state__in=COUNTED_STATES)
    c = conditions
    if "state" in c:
        rows = rows.filter(state=c["state"])
    if "email_domain" in c:
        rows = rows.filter(
            Q(email_domain=c["email_domain"]) | Q(email_domain__endswith="." + c["email_domain"])
        )
    if "email_contains" in c:
        text = c["email_contains"]
        rows = rows.filter(Q(email__icontains=text) | Q(email_normalised__icontains=text))
    if "name_contains" in c:
        rows = rows.filter(name_normalised__contains=name_normalise(c["name_contains"]))
    if "postcode_prefix" in c:
        rows = rows.filter(postcode__istartswith=c["postcode_prefix"])
    if "constituency_code" in c:
        rows = rows.filter(constituency_code=c["constituency_code"])
    if "created_after" in c:
        rows = rows.filter(created_at__gte=_moment(c["created_after"]))
    if "created_before" in c:
        rows = rows.filter(created_at__lt=_moment(c["created_before"]))
    if "ip" in c:
        network = _network(c["ip"])
        if network is None:
            rows = rows.filter(ip_address=c["ip"])
    return rows, network


def _in_network(rows: QuerySet[Signature], network: _Network) -> list[int]:
    """Return the ids of rows whose IP lies in the network, on any database engine."""
    candidates = rows.exclude(ip_address__isnull=True)
    whole_octets = network.prefixlen // 8 if network.version == 4 else 0
    if whole_octets:
        # A text prefix narrows the rows read; the exact test is done here.
        prefix = ".".join(str(network.network_address).split(".")[:whole_octets]) + "."
        candidates = candidates.filter(ip_address__startswith=prefix)
    return [
        pk
        for pk, ip in candidates.values_list("pk", "ip_address").iterator()
        if ip and ipaddress.ip_address(ip) in network
    ]


def invalidation_preview(*, petition: Petition, conditions: Mapping[str, str]) -> int:
    """Return how many counted or pending signatures the conditions would invalidate."""
    rows, network = _matching(petition, conditions)
    return rows.count() if network is None else len(_in_network(rows, network))


def invalidation_apply(
    *,
    petition: Petition,
    conditions: Mapping[str, str],
    user: User | None,
    matched_count: int | None = None,
    now: datetime | None = None,
) -> Invalidation:
    """Invalidate the signatures matching the conditions, record it, and repair the counts.

    `matched_count` is the dry-run count staff saw; the record keeps it beside what was done.
    """
    if user is not None:
        campaign_require(
            user=user, campaign=petition.campaign, capability=Capability.OPERATE_PETITION
        )
    now = now or timezone.now()
    with transaction.atomic():
        if matched_count is None:
            matched_count = invalidation_preview(petition=petition, conditions=conditions)
        rows, network = _matching(petition, conditions)
        changes = {"state": SignatureState.INVALIDATED, "invalidated_at": now}
        if network is None:
            invalidated = rows.update(**changes)
        else:
            ids = _in_network(rows, network)
            invalidated = sum(
                Signature.objects.filter(pk__in=ids[i : i + 500]).update(**changes)
                for i in range(0, len(ids), 500)
            )
        invalidation = Invalidation.objects.create(
            petition=petition,
            conditions=dict(conditions),
            summary=invalidation_summary(conditions),
            matched_count=matched_count,
            invalidated_count=invalidated,
            created_by_id=user.pk if user is not None and user.is_authenticated else None,
            applied_at=now,
        )
    petition_counts_reconcile(petition_id=petition.pk)
    return invalidation


def invalidations_list(*, petition: Petition) -> QuerySet[Invalidation]:
    """Return the petition's invalidations, newest first."""
    return Invalidation.objects.filter(petition=petition).select_related("created_by")


def invalidations_anonymise(*, petition_id: int) -> int:
    """Blank the conditions that name people in a petition's invalidation records."""
    changed = 0
    for invalidation in Invalidation.objects.filter(petition_id=petition_id):
        conditions = {
            key: ("(anonymised)" if key in PERSONAL_CONDITIONS else value)
            for key, value in dict(invalidation.conditions).items()
        }
        if conditions != invalidation.conditions:
            invalidation.conditions = conditions
            invalidation.summary = invalidation_summary(conditions)
            invalidation.save(update_fields=["conditions", "summary"])
            changed += 1
    return changed

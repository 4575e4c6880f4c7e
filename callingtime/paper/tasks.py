"""The paper side's background job: acknowledging a pack request by e-mail."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from callingtime.paper.models import Pack

logger = logging.getLogger(__name__)

PACK_REQUEST_SUBJECT = "Your paper petition pack"


@task()
def pack_request_email_task(pack_id: int) -> bool:
    """Send the requester the acknowledgement of their pack request, once."""
    pack = Pack.objects.select_related("petition__campaign").filter(pk=pack_id).first()
    if pack is None or pack.email_sent_at is not None or not pack.requester_email:
        return False
    campaign = pack.petition.campaign
    body = render_to_string(
        "paper/email/pack_requested.txt",
        {
            "pack": pack,
            "petition": pack.petition,
            "organisations": ", ".join(o.name for o in campaign.organisations.order_by("name")),
            "site_url": settings.SITE_URL,
        },
    )
    EmailMessage(
        PACK_REQUEST_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [pack.requester_email]
    ).send()
    Pack.objects.filter(pk=pack.pk).update(email_sent_at=timezone.now())
    logger.info("pack %d acknowledgement sent", pack.pk)
    return True

"""Share links for a petition: each channel's link carries `?via=<channel>` back to us.

The petition page passes `via` on to the sign page, whose form stores it as the signature's
`share_channel`, so a campaign can see which channel brought its signers (as Action Network
tags each signature with its source).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import HttpRequest

# The only values `share_channel` may take; anything else in `?via=` is dropped.
SHARE_CHANNELS = ("twitter", "facebook", "whatsapp", "email", "copy")


@dataclass(frozen=True)
class ShareLink:
    """One way to share: the channel's name, a label for people and where the link goes."""

    channel: str
    label: str
    href: str


def share_channel_clean(value: object) -> str:
    """Return `value` when it names a share channel, else ''.

    >>> share_channel_clean("whatsapp"), share_channel_clean("<script>")
    ('whatsapp', '')
    """
    return value if isinstance(value, str) and value in SHARE_CHANNELS else ""


def site_url(request: HttpRequest, path: str) -> str:
    """Return the absolute address of a path on this site (SITE_URL when it is set).

    SITE_URL keeps cached pages and the JSON API identical whichever host name the CDN used.
    """
    base = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    return f"{base}{path}"


def via_url(url: str, channel: str) -> str:
    """Return `url` tagged with the channel it was shared through.

    >>> via_url("https://example.org/petitions/1/", "email")
    'https://example.org/petitions/1/?via=email'
    """
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode({'via': channel})}"


def share_text(*, action: str, hashtag: str) -> str:
    """Return the words a share starts with: the petition's action and the campaign hashtag."""
    tag = f" #{hashtag}" if hashtag else ""
    return f"Sign the petition: {action}{tag}"


def share_links(*, petition_url: str, action: str, hashtag: str) -> list[ShareLink]:
    """Return the share links of a petition, in the order the page shows them."""
    text = share_text(action=action, hashtag=hashtag)
    x_params = {"text": f"Sign the petition: {action}", "url": via_url(petition_url, "twitter")}
    if hashtag:
        x_params["hashtags"] = hashtag
    whatsapp = f"{text} {via_url(petition_url, 'whatsapp')}"
    # mailto wants %20 for spaces: a `+` would reach the reader as a plus sign.
    mail = (
        f"mailto:?subject={quote(action, safe='')}"
        f"&body={quote(text + chr(10) + chr(10) + via_url(petition_url, 'email'), safe='')}"
    )
    return [
        ShareLink(
            "twitter",
            "Share on X (Twitter)",
            f"https://twitter.com/intent/tweet?{urlencode(x_params)}",
        ),
        ShareLink(
            "facebook",
            "Share on Facebook",
            "https://www.facebook.com/sharer/sharer.php?"
            + urlencode({"u": via_url(petition_url, "facebook")}),
        ),
        ShareLink(
            "whatsapp", "Share on WhatsApp", f"https://wa.me/?{urlencode({'text': whatsapp})}"
        ),
        ShareLink("email", "Share by e-mail", mail),
        ShareLink("copy", "Copy the link", via_url(petition_url, "copy")),
    ]

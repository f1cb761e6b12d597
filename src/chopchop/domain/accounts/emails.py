"""The texts of the account emails: each has a subject, a plain-text part and an HTML part."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from chopchop.lib.email import OutgoingEmail


def _link(base_url: str, path: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{path}?token={quote(token, safe='')}"


def _html(greeting: str, paragraphs: list[str], link: str | None = None, button: str = "") -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    action = (
        f'<p><a href="{escape(link)}" style="padding:10px 16px;background:#d9480f;color:#fff;'
        f'text-decoration:none;border-radius:4px">{escape(button)}</a></p>'
        f'<p style="color:#666;font-size:12px">Or paste this link into your browser: {escape(link)}</p>'
        if link
        else ""
    )
    return (
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>{escape(greeting)}</p>{body}{action}<p>— Chop-chop</p></body></html>"
    )


def confirmation_email(*, to: str, registered_at: datetime, token: str, base_url: str, hours: int) -> OutgoingEmail:
    link = _link(base_url, "/api/v1/auth/confirm", token)
    when = registered_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Someone registered a Chop-chop account for this address on {when}.",
        "If it was you, confirm with this link and the password you chose when registering: "
        f"the link works once and expires in {hours} hours.",
        "If it was not you, ignore this email: without that password nobody can use this link, "
        "and no account exists until it is confirmed.",
    ]
    return OutgoingEmail(
        to=to,
        subject="Confirm your Chop-chop account",
        text=f"Hello,\n\n{lines[0]}\n\n{lines[1]}\n\n{link}\n\n{lines[2]}\n\n— Chop-chop\n",
        html=_html("Hello,", lines, link, "Confirm my email"),
    )


def already_registered_email(*, to: str, name: str, base_url: str) -> OutgoingEmail:
    lines = [
        "Someone (hopefully you) tried to create a Chop-chop account with this email address, but it already has one.",
        "If it was you, log in, or reset your password if you forgot it. "
        "If it was not you, you can ignore this email: nothing has changed.",
    ]
    return OutgoingEmail(
        to=to,
        subject="You already have a Chop-chop account",
        text=f"Hello {name},\n\n{lines[0]}\n\n{lines[1]}\n\nForgot your password? "
        f"POST your address to {base_url.rstrip('/')}/api/v1/auth/forgot-password\n\n— Chop-chop\n",
        html=_html(f"Hello {name},", lines),
    )


def password_reset_email(*, to: str, name: str, token: str, base_url: str, minutes: int) -> OutgoingEmail:
    link = _link(base_url, "/api/v1/auth/reset-password", token)
    lines = [
        "We received a request to reset the password of your Chop-chop account.",
        f"The link works once and expires in {minutes} minutes. "
        "If you did not ask for it, ignore this email: your password stays as it is.",
    ]
    return OutgoingEmail(
        to=to,
        subject="Reset your Chop-chop password",
        text=f"Hello {name},\n\n{lines[0]}\n\n{link}\n\n{lines[1]}\n\n— Chop-chop\n",
        html=_html(f"Hello {name},", lines, link, "Choose a new password"),
    )

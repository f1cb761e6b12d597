"""Outgoing email: message building and the two transports (SMTP, or a local outbox folder)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

import aiosmtplib

logger = logging.getLogger("chopchop.email")


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """What one email says, independent of how it is delivered."""

    to: str
    subject: str
    text: str
    html: str
    # Stable across retries of one outbox message, so that a receiver can recognise a duplicate.
    message_id: str | None = None


def build_message(email: OutgoingEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = email.message_id or make_msgid(domain="chopchop.local")
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None: ...


@dataclass(slots=True)
class SmtpMailer:
    """Delivers through an SMTP server (plain, STARTTLS or implicit TLS)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    tls: str = "none"
    timeout: float = 30.0

    async def send(self, email: OutgoingEmail) -> None:
        await aiosmtplib.send(
            build_message(email, self.sender),
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.tls == "tls",
            start_tls=self.tls == "starttls",
            timeout=self.timeout,
        )


@dataclass(slots=True)
class OutboxMailer:
    """Embedded mode: writes each email as an .eml file and logs it, so links can be followed locally."""

    folder: Path
    sender: str

    async def send(self, email: OutgoingEmail) -> None:
        message = build_message(email, self.sender)
        data = message.as_bytes()
        name = message["Message-ID"].strip("<>").replace("@", "_") + ".eml"
        await asyncio.to_thread(self._write, name, data)
        logger.warning(
            "email (no SMTP configured) to=%s subject=%r saved=%s\n%s",
            email.to,
            email.subject,
            self.folder / name,
            email.text,
        )

    def _write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)

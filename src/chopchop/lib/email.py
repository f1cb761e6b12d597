"""Outgoing email: message building and the two transports (SMTP, or .eml files in a local folder)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
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


class UndeliverableError(Exception):
    """The email can never be delivered as it is (the server refused its recipient for good): do not retry."""


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
        try:
            await self._send(email)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            # 5xx for every recipient is permanent (no such mailbox, policy); 4xx is worth another try.
            if all(refusal.code >= 500 for refusal in exc.recipients):
                raise UndeliverableError(str(exc)) from exc
            raise

    async def _send(self, email: OutgoingEmail) -> None:
        await aiosmtplib.send(
            build_message(email, self.sender),
            # The envelope names the one recipient; nothing is read back out of the headers.
            recipients=[email.to],
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.tls == "tls",
            start_tls=self.tls == "starttls",
            timeout=self.timeout,
        )


_UNSAFE_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(slots=True)
class FileMailer:
    """Writes each email as an .eml file in a folder: the embedded mode's delivery channel (or a test stack's).

    The files hold the confirmation and reset links, so they are created 0600 in a 0700 folder, and the log
    line names only the recipient, the subject and the file: a log collector never sees a token.
    """

    folder: Path
    sender: str

    async def send(self, email: OutgoingEmail) -> None:
        message = build_message(email, self.sender)
        name = _UNSAFE_FILE_NAME.sub("_", message["Message-ID"].strip("<>")) + ".eml"
        path = await asyncio.to_thread(self._write, name, message.as_bytes())
        logger.warning("email (no SMTP configured) to=%s subject=%r saved=%s", email.to, email.subject, path)

    def _write(self, name: str, data: bytes) -> Path:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        final = self.folder / name
        # Written under a private name, then renamed: a reader never sees half a message, a retry of the
        # same message (same Message-ID) replaces it, and the mode is 0600 from the first byte.
        draft = self.folder / f".{name}.{secrets.token_hex(4)}.part"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            draft.replace(final)
        except BaseException:
            draft.unlink(missing_ok=True)
            raise
        return final

"""The webhook rules that need no service: signatures as Standard Webhooks makes them, secrets and their
encryption, the addresses and URLs that are refused."""

from __future__ import annotations

import base64
import ipaddress

import pytest

from chopchop.domain.webhooks.schemas import EVENT_BITS, WebhookEvent, events_mask, events_of
from chopchop.lib.webhooks import SecretBox, WebhookUrlError, check_url, new_secret, refusal, sign
from chopchop.settings import Settings, SettingsError


def test_the_signature_is_the_standard_webhooks_one() -> None:
    """The test vector of the Standard Webhooks libraries: their verifiers accept our deliveries."""
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_secrets_are_whsec_and_32_random_bytes() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32


def test_a_sealed_secret_opens_only_for_its_endpoint_and_key() -> None:
    box = SecretBox("a-server-secret-of-enough-length-0123456789")
    sealed = box.seal("whsec_abc", "endpoint-1")
    assert b"whsec_abc" not in sealed
    assert box.open(sealed, "endpoint-1") == "whsec_abc"
    assert box.seal("whsec_abc", "endpoint-1") != sealed  # a fresh nonce each time
    with pytest.raises(ValueError, match="rotate"):
        box.open(sealed, "endpoint-2")  # copied onto another endpoint
    with pytest.raises(ValueError, match="rotate"):
        SecretBox("another-server-secret-of-enough-length-0123").open(sealed, "endpoint-1")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "169.254.1.1", "100.64.0.1",
        "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1",  # noqa: S104
        "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:7f00:1::", "2001:db8::1",
    ],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/", "http://[::1]:8080/", "http://169.254.169.254/", "http://0/",
        "http://localhost/", "http://LocalHost./", "http://a.localhost/", "http://u@example.com/",
        "http://example.com@10.0.0.1/", "ftp://example.com/", "file:///etc/passwd", "https://example.com/#x",
        "https://example.com:0/", "https://example.com:65536/", "http://[/", "https://", "https://ex ample.com/",
        "https://exämple.com/", "https://example.com/\x00", "https://example.com/" + "a" * 2100,
        "http://%31%32%37.0.0.1/", "http://exa%6dple.com/", "http://example.com\\@127.0.0.1/",
        "http://[fe80::1%25eth0]/", "http://ex!ample.com/",
    ],
)  # fmt: skip
def test_hostile_urls_are_refused(url: str) -> None:
    with pytest.raises(WebhookUrlError):
        check_url(url, allow_private=False)


def test_public_urls_pass_and_private_ones_only_with_the_test_setting() -> None:
    for url in [
        "https://example.com/hook",
        "http://example.com:8080/a?b=c",
        "https://xn--exmple-cua.com/",
        "https://8.8.8.8/",
    ]:
        assert check_url(url, allow_private=False) == url
    assert check_url("http://127.0.0.1:8000/", allow_private=True) == "http://127.0.0.1:8000/"
    with pytest.raises(WebhookUrlError):  # the syntax rules hold either way
        check_url("http://u@127.0.0.1/", allow_private=True)


def test_events_round_trip_through_their_bits() -> None:
    assert events_of(events_mask(list(WebhookEvent))) == list(WebhookEvent)
    assert events_of(events_mask([WebhookEvent.RECIPE_DELETED, WebhookEvent.RECIPE_DELETED])) == [
        WebhookEvent.RECIPE_DELETED
    ]
    assert len(set(EVENT_BITS.values())) == len(EVENT_BITS) == len(WebhookEvent)


@pytest.mark.parametrize("seconds", [0, 0.5, 51, 1e9])
def test_an_attempt_timeout_outside_1_to_50_seconds_is_refused(seconds: float) -> None:
    """A job has 60 s in all: an attempt that could outlast it would be cancelled without its outcome noted."""
    with pytest.raises(SettingsError, match="WEBHOOK_TIMEOUT_SECONDS"):
        Settings(webhook_timeout_seconds=seconds).validate()
    assert Settings(webhook_timeout_seconds=10).validate().webhook_allow_private_addresses is False

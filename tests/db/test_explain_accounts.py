"""The accounts' statements look users, registrations and email tokens up by index, never by reading the table.

Seeds 20,000 users, 5,000 registrations waiting (4,000 addresses, a day's worth) and 20,000 reset tokens (two hours'
worth, half used) with ``INSERT ... SELECT generate_series`` (about a second), then explains two views of the SQL:

* every statement of ``chopchop.domain.accounts.queries`` with realistic parameters (``COVERAGE`` names each one,
  and a test checks it names all of them): run in a transaction that is rolled back, what it sends is recorded
  and run again under ``EXPLAIN ANALYZE`` in another transaction rolled back;
* the services as the requests and jobs call them (register, resend, issue a link, confirm, log in, reset, purge):
  every statement they send, the repositories' lookups included, captured and explained.

A Seq Scan over a watched table fails the test, except for the hourly purges (``WHOLE_TABLE``). Run with ``-s`` to
see each statement's time and plan. The suite's ``clean_state`` fixture truncates the rows afterwards.

Self-contained on purpose: the other EXPLAIN tests are moving to ``tests/db/``, and an import from them would break.
"""

# The SQL strings below are built from this module's own constants, never from input.
# ruff: noqa: S608
from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from chopchop.db import PendingRegistration, TokenPurpose
from chopchop.domain.accounts import queries
from chopchop.domain.accounts.services import (
    ACCESS_TOKEN_PREFIX,
    REFRESH_TOKEN_PREFIX,
    AccessTokenService,
    RefreshTokenService,
    RegistrationService,
    UserService,
    UserTokenService,
)
from chopchop.lib.tokens import new_client_token
from tests.db.test_explain_recipes import Entry, sent_by, statement_builders
from tests.helpers import FAST_HASHER

pytestmark = pytest.mark.integration

USERS = 20_000
REGISTRATIONS = 5_000
ADDRESSES = 4_000  # someone1 to someone1000 registered twice (a retry, or two people)
TOKENS = 20_000
PASSWORD = "correct horse battery staple"
WATCHED = {
    "user_account",
    "pending_registration",
    "user_token",
    "personal_access_token",
    "refresh_token_family",
    "refresh_token",
}
#: Every statement of ``queries``, each explained below by ``builder_entries``.
COVERAGE = {
    "account_id_statement",
    "lock_account_statement",
    "add_confirmed_user_statement",
    "newest_registration_statement",
    "lock_registrations_statement",
    "remove_registrations_statement",
    "purge_registrations_statement",
    "revoke_tokens_statement",
    "consume_token_statement",
    "purge_tokens_statement",
    "access_token_user_statement",
    "touch_access_token_statement",
    "access_tokens_of_statement",
    "revoke_access_token_statement",
    "revoke_access_tokens_statement",
    "user_and_family_statement",
    "use_refresh_token_statement",
    "lock_family_of_token_statement",
    "refresh_token_state_statement",
    "extend_family_statement",
    "end_family_statement",
    "end_families_statement",
    "purge_families_statement",
}
#: Statements that may read their whole table, and why.
WHOLE_TABLE = {
    # Hourly cron (``purge_expired_tokens``). Reset links live an hour, so most of what the table holds when the
    # purge runs is used or expired (3/4 of these tokens): a sequential read is the cheapest way to find it. With
    # indexes on expires_at and on used_at the planner still reads the table (measured, 6 ms).
    "purge_tokens_statement": "user_token",
    # Hourly cron. Links live a day, so an hourly purge deletes about 1/24th of the table. An index on expires_at
    # would skip the rest (measured: 0.12 ms instead of 0.6-1.1 ms at 5,000 rows), but the table only ever holds
    # a day of registrations: not worth a migration and an index every registration writes to, for now.
    "purge_registrations_statement": "pending_registration",
    # Hourly cron. A login lives 30 days after its last refresh, so an hour's purge finds about 1/720th of the
    # table: a sequential read (measured below with -s) rather than an index on expires_at that every refresh updates.
    "purge_families_statement": "refresh_token_family",
}

# Registrations: registration g of address 1 + (g - 1) % 4,000, made g * 18 s ago (25 hours in all: the oldest
# hour's have expired and wait for the purge); 1 in 20 not issued a link yet. Tokens: one per user, issued over two
# hours, valid for an hour, every other one used. Password hashes: a real (fast) hash of PASSWORD, bound as :hash.
SEED = [
    f"""
    INSERT INTO user_account (id, email, display_name, password_hash, is_active, confirmed_at, token_version,
                              created_at, updated_at)
    SELECT gen_random_uuid(), 'user' || g || '@example.test', 'Cook ' || g, :hash, g % 10 <> 0,
           now() - g * interval '1 minute', 0, now() - g * interval '1 minute', now()
    FROM generate_series(1, {USERS}) AS g
    """,
    f"""
    INSERT INTO pending_registration (id, email, display_name, password_hash, token_hash, expires_at,
                                      created_at, updated_at)
    SELECT gen_random_uuid(), 'someone' || (1 + (g - 1) % {ADDRESSES}) || '@example.test', 'Someone ' || g, :hash,
           CASE WHEN g % 20 <> 0 THEN encode(sha256(convert_to('registration-' || g, 'UTF8')), 'hex') END,
           now() - g * interval '18 seconds' + interval '24 hours',
           now() - g * interval '18 seconds', now() - g * interval '18 seconds'
    FROM generate_series(1, {REGISTRATIONS}) AS g
    """,
    f"""
    INSERT INTO user_token (id, user_id, purpose, token_hash, expires_at, used_at, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'reset_password', encode(sha256(convert_to('token-' || u.n, 'UTF8')), 'hex'),
           now() - u.n * interval '360 milliseconds' + interval '1 hour',
           CASE WHEN u.n % 2 = 0 THEN now() - u.n * interval '360 milliseconds' + interval '5 minutes' END,
           now() - u.n * interval '360 milliseconds', now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_account) AS u
    WHERE u.n <= {TOKENS}
    """,
    # Personal access tokens: two per user, 'pat-<n>-<k>' hashed; half never used.
    """
    INSERT INTO personal_access_token (id, user_id, name, scopes, token_hash, display_prefix, expires_at,
                                       last_used_at, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'script ' || k, 'read write',
           encode(sha256(convert_to('pat-' || u.n || '-' || k, 'UTF8')), 'hex'), 'chopchop_pat_abcd',
           CASE WHEN k = 1 THEN now() + interval '90 days' END,
           CASE WHEN u.n % 2 = 0 THEN now() - interval '1 hour' END, now() - interval '1 day', now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_account) AS u, generate_series(1, 2) AS k
    """,
    # Logins: one per user (its id is the user's number), each with three refresh tokens (two used), 'rt-<n>-<k>'.
    """
    INSERT INTO refresh_token_family (id, user_id, expires_at, created_at, updated_at)
    SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(u.n), 12, '0'))::uuid, u.id,
           now() + interval '30 days' - u.n * interval '1 minute', now() - interval '2 days', now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_account) AS u
    """,
    """
    INSERT INTO refresh_token (id, family_id, token_hash, expires_at, used_at, created_at, updated_at)
    SELECT gen_random_uuid(), f.id, encode(sha256(convert_to('rt-' || f.n || '-' || k, 'UTF8')), 'hex'),
           f.expires_at, CASE WHEN k < 3 THEN now() - (3 - k) * interval '1 hour' END, now(), now()
    FROM (SELECT id, expires_at, row_number() OVER (ORDER BY id) AS n FROM refresh_token_family) AS f,
         generate_series(1, 3) AS k
    """,
]
ANALYZED = [
    "user_account",
    "pending_registration",
    "user_token",
    "personal_access_token",
    "refresh_token_family",
    "refresh_token",
]


def test_every_accounts_statement_is_explained() -> None:
    """Each statement ``queries`` defines is named in ``COVERAGE`` (and so explained below)."""
    assert statement_builders(queries) == COVERAGE
    assert set(WHOLE_TABLE) <= COVERAGE


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    password_hash = await FAST_HASHER.hash(PASSWORD)
    async with engine.begin() as connection:
        # Bulk load of consistent rows: the per-row foreign-key triggers are skipped (this transaction only).
        await connection.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in SEED:
            await connection.execute(text(statement), {"hash": password_hash})
    async with engine.connect() as connection:
        # What autovacuum leaves on a live database: statistics, and the visibility map for index-only scans.
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(f"VACUUM ANALYZE {', '.join(ANALYZED)}"))
    yield engine
    await engine.dispose()  # the rows go with the truncation after every test


# Plans


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def seq_scans(plan: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in _nodes(plan) if n["Node Type"] == "Seq Scan" and n["Relation Name"] in WATCHED}


def shape(plan: dict[str, Any]) -> str:
    """The plan's scans (and an insert's conflict arbiter), compactly."""
    parts = []
    for node in _nodes(plan):
        if "Scan" in node["Node Type"]:
            backward = " Backward" if node.get("Scan Direction") == "Backward" else ""
            index = f" {node['Index Name']}" if "Index Name" in node else ""
            parts.append(f"{node['Node Type']}{backward}{index} on {node.get('Relation Name', '?')}")
        elif node["Node Type"] == "ModifyTable" and node.get("Operation") == "Insert":
            arbiter = ", ".join(node.get("Conflict Arbiter Indexes", []))
            parts.append(f"Insert on {node['Relation Name']}" + (f" (arbiter {arbiter})" if arbiter else ""))
    return "; ".join(parts)


async def explain_analyze(connection: AsyncConnection, sql: str, parameters: Any) -> dict[str, Any]:
    """The plan of ``sql`` as it runs with ``parameters``, in a transaction rolled back (writes included)."""
    if connection.in_transaction():
        await connection.rollback()
    async with connection.begin() as transaction:
        raw = (await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", parameters)).scalar_one()
        await transaction.rollback()
    return dict((json.loads(raw) if isinstance(raw, str) else raw)[0])


async def sent_by_call(engine: AsyncEngine, call: Callable[[AsyncSession], Awaitable[object]]) -> list[tuple[str, Any]]:
    """What a service call sends, in a session rolled back afterwards."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_args: Any) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
            sent.append((sql, parameters))

    async with AsyncSession(engine) as session:
        connection = await session.connection()
        event.listen(connection.sync_connection, "before_cursor_execute", record)
        try:
            await call(session)
        finally:
            event.remove(connection.sync_connection, "before_cursor_execute", record)
            await session.rollback()
    assert sent, "the call sent nothing"
    return sent


# Parameters


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _one(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql))).one()


async def builder_entries(engine: AsyncEngine, now: datetime) -> list[Entry]:
    """Each statement of ``queries`` with the parameters of a typical call."""
    account = "user123@example.test"
    # An address registered twice, both links still valid: what a confirmation locks and deletes.
    row = await _one(
        engine,
        "SELECT email, display_name, password_hash FROM pending_registration WHERE email = 'someone7@example.test' "
        "ORDER BY created_at DESC LIMIT 1",
    )
    pending = PendingRegistration(email=row.email, display_name=row.display_name, password_hash=row.password_hash)
    taken = PendingRegistration(email=account, display_name="Late", password_hash=row.password_hash)
    (user_id,) = await _one(engine, f"SELECT id FROM user_account WHERE email = '{account}'")
    (token_hash,) = await _one(
        engine, "SELECT token_hash FROM user_token WHERE used_at IS NULL ORDER BY created_at DESC LIMIT 1"
    )
    reset = TokenPurpose.RESET_PASSWORD
    (pat_id,) = await _one(engine, f"SELECT id FROM personal_access_token WHERE user_id = '{user_id}' LIMIT 1")
    (family_id,) = await _one(engine, f"SELECT id FROM refresh_token_family WHERE user_id = '{user_id}'")
    family_number = family_id.int & 0xFFFFFFFFFFFF
    return [
        ("an address with an account", "account_id_statement", queries.account_id_statement(account)),
        ("an address without one", "account_id_statement", queries.account_id_statement(pending.email)),
        ("an account locked for its deletion", "lock_account_statement", queries.lock_account_statement(user_id)),
        (
            "the account of a confirmed registration",
            "add_confirmed_user_statement",
            queries.add_confirmed_user_statement("postgresql", pending, user_id=UUID(int=1), now=now),
        ),
        (
            "a confirmation of an address that has an account",
            "add_confirmed_user_statement",
            queries.add_confirmed_user_statement("postgresql", taken, user_id=UUID(int=2), now=now),
        ),
        (
            "the newest registration of an address",
            "newest_registration_statement",
            queries.newest_registration_statement(pending.email, now),
        ),
        (
            "an address's registrations locked",
            "lock_registrations_statement",
            queries.lock_registrations_statement(pending.email),
        ),
        (
            "an address's registrations deleted",
            "remove_registrations_statement",
            queries.remove_registrations_statement(pending.email),
        ),
        ("a user's reset tokens revoked", "revoke_tokens_statement", queries.revoke_tokens_statement(user_id, reset)),
        ("a reset token consumed", "consume_token_statement", queries.consume_token_statement(token_hash, reset, now)),
        ("an unknown token refused", "consume_token_statement", queries.consume_token_statement("0" * 64, reset, now)),
        ("expired registrations purged", "purge_registrations_statement", queries.purge_registrations_statement(now)),
        ("used and expired tokens purged", "purge_tokens_statement", queries.purge_tokens_statement(now)),
        (
            "a personal access token authenticates",
            "access_token_user_statement",
            queries.access_token_user_statement(_sha256("pat-123-1"), now),
        ),
        (
            "an unknown personal access token",
            "access_token_user_statement",
            queries.access_token_user_statement("0" * 64, now),
        ),
        (
            "a token's use recorded",
            "touch_access_token_statement",
            queries.touch_access_token_statement(pat_id, now, timedelta(minutes=1)),
        ),
        ("a user's tokens listed", "access_tokens_of_statement", queries.access_tokens_of_statement(user_id)),
        ("a token revoked", "revoke_access_token_statement", queries.revoke_access_token_statement(user_id, pat_id)),
        ("a user's tokens revoked", "revoke_access_tokens_statement", queries.revoke_access_tokens_statement(user_id)),
        (
            "an access token's user and login",
            "user_and_family_statement",
            queries.user_and_family_statement(user_id, family_id),
        ),
        (
            "a refresh token used",
            "use_refresh_token_statement",
            queries.use_refresh_token_statement(_sha256(f"rt-{family_number}-3"), now),
        ),
        (
            "a refresh token's login locked",
            "lock_family_of_token_statement",
            queries.lock_family_of_token_statement(_sha256(f"rt-{family_number}-3")),
        ),
        (
            "a used refresh token recognised",
            "refresh_token_state_statement",
            queries.refresh_token_state_statement(_sha256(f"rt-{family_number}-1")),
        ),
        (
            "a login extended",
            "extend_family_statement",
            queries.extend_family_statement(family_id, now + timedelta(days=30)),
        ),
        ("a login ended", "end_family_statement", queries.end_family_statement(family_id)),
        ("a user's logins ended", "end_families_statement", queries.end_families_statement(user_id)),
        ("expired logins purged", "purge_families_statement", queries.purge_families_statement(now)),
    ]


async def service_calls(engine: AsyncEngine) -> dict[str, Callable[[AsyncSession], Awaitable[object]]]:
    """What the requests and jobs of the accounts area ask of the services, with seeded rows."""
    (registration_id,) = await _one(
        engine, "SELECT id FROM pending_registration WHERE email = 'someone7@example.test' ORDER BY id LIMIT 1"
    )
    (user_id,) = await _one(engine, "SELECT id FROM user_account WHERE email = 'user123@example.test'")
    day = timedelta(hours=24)
    reset = TokenPurpose.RESET_PASSWORD

    def register(email: str) -> Callable[[AsyncSession], Awaitable[object]]:
        return lambda s: RegistrationService(session=s).register(
            email=email, display_name="Newcomer", password=PASSWORD, hasher=FAST_HASHER, lifetime=day
        )

    async def confirm(session: AsyncSession) -> object:
        registrations = RegistrationService(session=session)
        registration = await registrations.find_by_token("registration-1")  # someone1's newest (of two)
        assert registration is not None
        return await registrations.confirm(registration, PASSWORD, hasher=FAST_HASHER)

    async def resend(session: AsyncSession) -> object:
        assert await UserService(session=session).get_by_email("someone7@example.test") is None
        return await RegistrationService(session=session).renew("someone7@example.test", day)

    async def reset_password(session: AsyncSession) -> object:
        user_id = await UserTokenService(session=session).consume("token-1", reset)  # the newest token, unused
        users = UserService(session=session)
        return await users.set_password(await users.get(user_id), "a new passphrase", hasher=FAST_HASHER)

    async def purge(session: AsyncSession) -> object:
        tokens = await UserTokenService(session=session).purge_expired()
        return tokens + await RegistrationService(session=session).purge_expired()

    # A refresh token and a personal access token in their real format (the services check it before any lookup).
    refresh, refresh_hash = new_client_token(REFRESH_TOKEN_PREFIX)
    secret, secret_hash = new_client_token(ACCESS_TOKEN_PREFIX)
    async with engine.begin() as connection:
        (family_id,) = (
            await connection.execute(text(f"SELECT id FROM refresh_token_family WHERE user_id = '{user_id}'"))
        ).one()
        await connection.execute(
            text(
                "INSERT INTO refresh_token (id, family_id, token_hash, expires_at, created_at, updated_at) "
                "VALUES (gen_random_uuid(), :f, :h, now() + interval '1 day', now(), now())"
            ),
            {"f": family_id, "h": refresh_hash},
        )
        await connection.execute(
            text(
                "INSERT INTO personal_access_token (id, user_id, name, scopes, token_hash, display_prefix, "
                "created_at, updated_at) VALUES (gen_random_uuid(), :u, 'ci', 'read', :h, 'x', now(), now())"
            ),
            {"u": user_id, "h": secret_hash},
        )
    month = timedelta(days=30)

    async def authenticate(session: AsyncSession) -> object:
        tokens = AccessTokenService(session=session)
        found = await tokens.authenticate(secret, datetime.now(UTC))
        assert found is not None
        await tokens.touch(found[0].id, datetime.now(UTC), timedelta(minutes=1))
        return found

    return {
        # A login's new family and first refresh token are two inserts, not explained here: each statement is explained
        # in a transaction of its own, where the token's family would not exist yet.
        "refresh": lambda s: RefreshTokenService(session=s).rotate(refresh, month),
        "create a personal access token": lambda s: AccessTokenService(session=s).issue(
            user_id, name="backup", scopes=["read"], expires_at=None
        ),
        "authenticate a personal access token": authenticate,
        "list personal access tokens": lambda s: AccessTokenService(session=s).list_of(user_id),
        "register a new address": register("newcomer@example.test"),
        "register an address that has an account": register("user123@example.test"),
        "resend a confirmation": resend,
        "issue a registration's link": lambda s: RegistrationService(session=s).issue_link(registration_id),
        "confirm": confirm,
        "log in": lambda s: UserService(session=s).authenticate(
            email="user123@example.test", password=PASSWORD, hasher=FAST_HASHER
        ),
        "issue a reset token": lambda s: UserTokenService(session=s).issue(user_id, reset, timedelta(hours=1)),
        "reset a password": reset_password,
        "hourly purge": purge,
    }


# The tests


async def test_accounts_statements_use_indexes(seeded: AsyncEngine) -> None:
    engine = seeded
    report: list[str] = []
    failures: list[str] = []

    # Every statement of queries, with realistic parameters.
    entries = await builder_entries(engine, datetime.now(UTC))
    assert {builder for _, builder, _ in entries} == COVERAGE
    async with engine.connect() as connection:
        for name, builder, statement in entries:
            for sql, parameters in await sent_by(connection, statement):
                explained = await explain_analyze(connection, sql, parameters)
                plan = explained["Plan"]
                report.append(f"{name} ({builder}): {explained['Execution Time']:.2f} ms [{shape(plan)}]")
                if seq := seq_scans(plan) - {WHOLE_TABLE.get(builder)}:
                    failures.append(f"{name}: Seq Scan on {', '.join(sorted(seq))}\n{sql}\n{json.dumps(plan)[:2000]}")

    # The services as they run: every statement they send (the repositories' lookups too).
    for name, call in (await service_calls(engine)).items():
        allowed = set(WHOLE_TABLE.values()) if name == "hourly purge" else set()
        async with engine.connect() as connection:
            for sql, parameters in await sent_by_call(engine, call):
                explained = await explain_analyze(connection, sql, parameters)
                plan = explained["Plan"]
                first_line = " ".join(sql.split())[:60]
                report.append(f"{name}: {explained['Execution Time']:.2f} ms [{shape(plan)}] {first_line}")
                if seq := seq_scans(plan) - allowed:
                    failures.append(f"{name}: Seq Scan on {', '.join(sorted(seq))}\n{sql}\n{json.dumps(plan)[:2000]}")
    print("\n".join(report))  # shown with -s, or on failure
    assert not failures, "\n\n".join(failures)

"""The load scenarios: what ``python -m bench`` runs in order, and what ``python -m bench.compare`` can run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.dataset import SEED_PASSWORD

if TYPE_CHECKING:
    from bench.fixtures import Fixtures

LIST = "/api/v1/recipes"
SINGLE_LIST_SIZES = (100, 1130, 2480)  # the list lengths of the reference table


@dataclass
class Scenario:
    key: str
    label: str
    port_of: str  # api | memory | rawpg
    path: str
    mode: str = "get"
    ceiling: str = "memory"
    extra: dict[str, str] = field(default_factory=dict)


def scenarios(fixtures: Fixtures) -> list[Scenario]:
    """The throughput scenarios of a run, in order: ceilings first, writes last."""
    detail = fixtures.detail
    write_env = {"BENCH_TOKENS": ",".join(fixtures.tokens)}
    login_env = {"BENCH_EMAILS": str(fixtures.emails_file), "BENCH_PASSWORD": SEED_PASSWORD}
    return [
        Scenario("ceiling_memory", "ceiling: in-memory payload (bytes)", "memory", "/bytes", ceiling="memory"),
        Scenario("ceiling_memory_struct", "ceiling: in-memory Structs encoded per request", "memory", "/struct"),
        Scenario("ceiling_rawpg", "ceiling: raw asyncpg list of 100", "rawpg", "/recipes?limit=100", ceiling="rawpg"),
        Scenario("list100_cold", "recipe list of 100, uncached", "api", f"{LIST}?limit=100", "bust", "rawpg"),
        Scenario("list100_warm", "recipe list of 100, cached", "api", f"{LIST}?limit=100"),
        Scenario("ceiling_memory_1130", "ceiling: in-memory list of 1,130", "memory", "/bytes/1130", ceiling="-"),
        Scenario(
            "ceiling_rawpg_1130", "ceiling: raw asyncpg list of 1,130", "rawpg", "/recipes?limit=1130", ceiling="-"
        ),
        Scenario("list1130_cold", "recipe list of 1,130, uncached", "api", f"{LIST}?limit=1130", "bust", "rawpg_1130"),
        Scenario("list1130_warm", "recipe list of 1,130, cached", "api", f"{LIST}?limit=1130", ceiling="memory_1130"),
        Scenario("ceiling_memory_2480", "ceiling: in-memory list of 2,480", "memory", "/bytes/2480", ceiling="-"),
        Scenario(
            "ceiling_rawpg_2480", "ceiling: raw asyncpg list of 2,480", "rawpg", "/recipes?limit=2480", ceiling="-"
        ),
        Scenario("list2480_cold", "recipe list of 2,480, uncached", "api", f"{LIST}?limit=2480", "bust", "rawpg_2480"),
        Scenario("list2480_warm", "recipe list of 2,480, cached", "api", f"{LIST}?limit=2480", ceiling="memory_2480"),
        Scenario("detail_cold", "recipe detail, uncached", "api", f"{LIST}/{detail}", "bust", "rawpg"),
        Scenario("detail_warm", "recipe detail, cached", "api", f"{LIST}/{detail}"),
        Scenario("users100_cold", "user list of 100, uncached", "api", "/api/v1/users?limit=100", "bust", "rawpg"),
        Scenario("users100_warm", "user list of 100, cached", "api", "/api/v1/users?limit=100"),
        Scenario("login", "login (argon2id)", "api", "/api/v1/auth/login", "login", extra=login_env),
        Scenario(
            "create",
            "create recipe",
            "api",
            LIST,
            "create",
            "rawpg",
            extra={**write_env, "BENCH_BODY": str(fixtures.body_file)},
        ),
        Scenario(
            "like", "like", "api", LIST, "like", "rawpg", extra={**write_env, "BENCH_IDS": str(fixtures.ids_file)}
        ),
    ]


# bench.compare's scenarios, key: (kind of server, mode, path); ``{detail}`` is a recipe id. The rawpg_* ones time
# the ceiling's other ways of answering the list (bench/ceilings/rawpg.py).
COMPARE_SCENARIOS: dict[str, tuple[str, str, str]] = {
    "ceiling_memory": ("memory", "get", "/bytes"),
    "ceiling_memory_struct": ("memory", "get", "/struct"),
    "ceiling_rawpg": ("rawpg", "get", "/recipes?limit=100"),
    "rawpg_separate_count": ("rawpg", "get", "/recipes?limit=100&count=separate&tags=array"),
    "rawpg_window_count": ("rawpg", "get", "/recipes?limit=100&count=window&tags=array"),
    "rawpg_separate_all": ("rawpg", "get", "/recipes?limit=100&count=separate&tags=separate"),
    "list100_warm": ("api", "get", f"{LIST}?limit=100"),
    "list100_cold": ("api", "bust", f"{LIST}?limit=100"),
    "list2480_warm": ("api", "get", f"{LIST}?limit=2480"),
    "detail_warm": ("api", "get", f"{LIST}/{{detail}}"),
    "users100_warm": ("api", "get", "/api/v1/users?limit=100"),
    "users100_cold": ("api", "bust", "/api/v1/users?limit=100"),
    "login": ("api", "login", "/api/v1/auth/login"),
    "like": ("api", "like", LIST),
    "create": ("api", "create", LIST),
}

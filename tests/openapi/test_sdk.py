"""SDKs generated from the OpenAPI document work: a Python client drives the whole journey against a live server.

``openapi-python-client`` (pinned, run with ``uvx`` unless it is installed in the environment) generates a client
from the document the server serves, into a temporary folder: any warning about a schema it cannot parse fails the
test. The client is imported from there (it is pure Python on httpx and attrs) and drives the journey of a new user
against ``chopchop serve`` started as a subprocess in server mode, on the test run's PostgreSQL database, Redis and
SMTP server; the session's SAQ worker sends the emails, which the test reads. The same document must compile as a
TypeScript client (``openapi-typescript`` + ``tsc --noEmit``) when npm is available (the two npm packages are
installed once into ~/.cache/chopchop/typescript-check). Nothing generated is kept.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chopchop.settings import ENV_PREFIX, Settings
from tests.helpers import Mailbox, token_from

pytestmark = pytest.mark.integration

OPENAPI_PYTHON_CLIENT = "openapi-python-client==0.29.1"
OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0"
TYPESCRIPT = "typescript@5.9.3"
PACKAGE = "chopchop_client"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(settings: Settings) -> dict[str, str]:
    """The test run's settings as the CHOPCHOP_* variables of a server-mode process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if value is not None:
            env[ENV_PREFIX + field.name.upper()] = str(value)
    env[ENV_PREFIX + "LOG_LEVEL"] = "WARNING"
    return env


@pytest.fixture(scope="module")
def live_server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``chopchop serve`` on a free loopback port, in server mode on the test run's database, Redis and SMTP."""
    port = _free_port()
    workdir = tmp_path_factory.mktemp("server")  # no .env of the repository is read
    executable = Path(sys.executable).parent / "chopchop"
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "chopchop.cli"]
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir,
        env=_server_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"chopchop serve exited with {process.returncode}:\n{_tail(workdir / 'server.log')}")
            try:
                if httpx.get(f"{base_url}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"chopchop serve did not become ready in 30 s:\n{_tail(workdir / 'server.log')}")
            time.sleep(0.1)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _generator() -> list[str]:
    installed = Path(sys.executable).parent / "openapi-python-client"
    if installed.exists():
        return [str(installed)]
    uvx = shutil.which("uvx")
    if uvx is None:
        pytest.skip("neither openapi-python-client (dev dependency) nor uvx is available to generate the client")
    return [uvx, OPENAPI_PYTHON_CLIENT]


@pytest.fixture(scope="module")
def sdk(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Python client generated from the live server's document, importable for the module's tests."""
    folder = tmp_path_factory.mktemp("sdk")
    document = folder / "openapi.json"
    document.write_bytes(httpx.get(f"{live_server}/schema/openapi.json", timeout=10).content)
    result = subprocess.run(  # noqa: S603 - pinned generator on our own document
        [*_generator(), "generate", "--path", str(document), "--meta", "none", "--output-path", str(folder / PACKAGE)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"openapi-python-client failed:\n{output}"
    # It reports schemas it cannot turn into code as warnings and leaves those parts out: a broken contract.
    assert "warning" not in output.lower(), f"openapi-python-client warned about the document:\n{output}"
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _api(name: str) -> Any:
    """A generated operation module, e.g. ``_api("recipes.create_recipe")``."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def _model(name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


async def test_the_generated_python_client_drives_the_whole_journey(
    sdk: Any, live_server: str, mailbox: Mailbox
) -> None:
    public = sdk.Client(base_url=live_server, raise_on_unexpected_status=True)
    email = "sdk.cook@example.com"

    # Register, read the confirmation email, confirm, log in (JSON, then the OAuth2 form Swagger uses).
    registered = await _api("auth.register").asyncio_detailed(
        client=public, body=_model("Registration")(email=email, password=PASSWORD, display_name="SDK Cook")
    )
    assert registered.status_code == 202, registered.content
    token = token_from(await mailbox.wait_for(email, "confirm"))
    account = await _api("auth.confirm_email").asyncio(
        client=public, body=_model("EmailConfirmation")(token=token, password=PASSWORD)
    )
    assert isinstance(account, _model("Account")), account
    assert account.is_active
    login = await _api("auth.login").asyncio(client=public, body=_model("Credentials")(email=email, password=PASSWORD))
    assert isinstance(login, _model("AccessToken")), login
    form = await _api("auth.login_form").asyncio(
        client=public,
        body=_model("OAuth2PasswordForm")(username=email, password=PASSWORD, grant_type=_model("GrantType").PASSWORD),
    )
    assert isinstance(form, _model("AccessToken")), form
    me = sdk.AuthenticatedClient(base_url=live_server, token=login.access_token, raise_on_unexpected_status=True)
    mine = await _api("me.get_me").asyncio(client=me)
    assert mine.email == email

    # Create a recipe with ingredients and steps.
    line, unit = _model("IngredientLineInput"), _model("Unit")
    body = _model("RecipeCreate")(
        title="Smoky chickpea stew",
        complexity=_model("Complexity").EASY,
        servings=4,
        prep_minutes=10,
        cook_minutes=25,
        steps=["Fry the onion.", "Add the chickpeas and the paprika.", "Simmer 20 minutes."],
        ingredients=[
            line(ingredient="chickpeas", quantity=400, unit=unit.G),
            line(ingredient="onion", quantity=1, unit=unit.PIECE, note="chopped"),
            line(ingredient="smoked paprika", quantity=1, unit=unit.TSP),
        ],
        tags=["vegan"],
    )
    created = await _api("recipes.create_recipe").asyncio_detailed(client=me, body=body)
    assert created.status_code == 201, created.content
    recipe = created.parsed
    assert created.headers["location"] == f"/api/v1/recipes/{recipe.id}"
    assert [i.ingredient.name for i in recipe.ingredients] == ["chickpeas", "onion", "smoked paprika"]
    assert len(recipe.steps) == 3

    # Search it by ingredient and by text (public reads work with a plain client too).
    by_ingredient = await _api("recipes.list_recipes").asyncio(client=public, ingredients_all=["chickpeas"])
    assert [r.id for r in by_ingredient.items] == [recipe.id]
    by_text = await _api("recipes.list_recipes").asyncio(
        client=public, q="paprika", complexity=_model("Complexity").EASY, sort=_model("RecipeSort").MOST_LIKED
    )
    assert [r.id for r in by_text.items] == [recipe.id]
    assert (await _api("recipes.list_recipes").asyncio(client=public, exclude_ingredients=["chickpeas"])).total == 0

    # Like and unlike.
    liked = await _api("likes.like_recipe").asyncio(recipe.id, client=me)
    assert (liked.liked, liked.like_count) == (True, 1)
    unliked = await _api("likes.unlike_recipe").asyncio(recipe.id, client=me)
    assert (unliked.liked, unliked.like_count) == (False, 0)

    # Comment.
    comment = await _api("comments.create_comment").asyncio(
        recipe.id, client=me, body=_model("CommentCreate")(body="Lovely with rice.")
    )
    assert comment.body == "Lovely with rice."
    comments = await _api("comments.list_recipe_comments").asyncio(recipe.id, client=public)
    assert [c.id for c in comments.items] == [comment.id]

    # Conditional requests: 304 with the ETag, update with If-Match, 412 with a stale one.
    read = await _api("recipes.get_recipe").asyncio_detailed(recipe.id, client=public)
    etag = read.headers["etag"]
    not_modified = await _api("recipes.get_recipe").asyncio_detailed(recipe.id, client=public, if_none_match=etag)
    assert not_modified.status_code == 304
    updated = await _api("recipes.update_recipe").asyncio_detailed(
        recipe.id, client=me, body=_model("RecipeUpdate")(title="Smoky chickpea and tomato stew"), if_match=etag
    )
    assert updated.status_code == 200, updated.content
    assert updated.parsed.title == "Smoky chickpea and tomato stew"
    stale = await _api("recipes.update_recipe").asyncio_detailed(
        recipe.id, client=me, body=_model("RecipeUpdate")(servings=2), if_match=etag
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, _model("Problem"))
    current = (await _api("recipes.get_recipe").asyncio_detailed(recipe.id, client=public)).headers["etag"]

    # Delete (with If-Match), then it is gone: a problem+json 404 the client parses.
    deleted = await _api("recipes.delete_recipe").asyncio_detailed(recipe.id, client=me, if_match=current)
    assert deleted.status_code == 204, deleted.content
    gone = await _api("recipes.get_recipe").asyncio_detailed(recipe.id, client=public)
    assert gone.status_code == 404
    assert gone.parsed.status == 404

    # Forgot and reset the password: the old token stops working, the new one works.
    forgot = await _api("auth.forgot_password").asyncio_detailed(client=public, body=_model("EmailOnly")(email=email))
    assert forgot.status_code == 202
    reset_token = token_from(await mailbox.wait_for(email, "reset"))
    new_password = "a brand new passphrase"
    reset = await _api("auth.reset_password").asyncio(
        client=public, body=_model("PasswordReset")(token=reset_token, password=new_password)
    )
    assert isinstance(reset, _model("AccessToken")), reset
    old = await _api("me.get_me").asyncio_detailed(client=me)
    assert old.status_code == 401
    assert old.headers["www-authenticate"].startswith("Bearer")
    renewed = sdk.AuthenticatedClient(base_url=live_server, token=reset.access_token)
    assert (await _api("me.get_me").asyncio(client=renewed)).email == email
    relogin = await _api("auth.login").asyncio(
        client=public, body=_model("Credentials")(email=email, password=new_password)
    )
    assert isinstance(relogin, _model("AccessToken"))


ENUMS = {"Complexity", "Unit", "RecipeSort", "GrantType", "WebhookEvent", "WebhookDeliveryType", "WebhookDeliveryState"}


def test_each_enumeration_is_one_generated_class(sdk: Any) -> None:
    """One class per enumeration, whatever uses it (bodies, answers, query parameters, nullable or optional
    fields): no ``RecipeCreateComplexity``, ``IngredientLineInputUnitType1``, ``ListRecipesComplexityType1``."""
    import enum

    models = importlib.import_module(f"{PACKAGE}.models")
    enums = {name for name in dir(models) if isinstance(getattr(models, name), enum.EnumMeta)}
    assert enums == ENUMS
    classes = [name for name in dir(models) if isinstance(getattr(models, name), type)]
    assert not [name for name in classes if re.search(r"Type\d", name)], classes
    list_recipes = inspect.signature(_api("recipes.list_recipes").sync_detailed).parameters
    assert "Complexity" in str(list_recipes["complexity"].annotation)
    assert "RecipeSort" in str(list_recipes["sort"].annotation)


USAGE_TS = """\
import type { components, operations, paths } from "./api";

type RecipeCreate = components["schemas"]["RecipeCreate"];
type Page = components["schemas"]["RecipeSummaryPage"];
type Problem = components["schemas"]["Problem"];
type ListQuery = NonNullable<operations["listRecipes"]["parameters"]["query"]>;
type UpdateHeaders = NonNullable<operations["updateRecipe"]["parameters"]["header"]>;

const recipe: RecipeCreate = {
  title: "Tomato soup",
  complexity: "easy",
  servings: 4,
  prep_minutes: 10,
  cook_minutes: 20,
  steps: ["Chop.", "Simmer."],
  ingredients: [{ ingredient: "tomato", quantity: 800, unit: "g" }],
  tags: ["soup"],
};
const query: ListQuery = { ingredients_all: ["tomato"], sort: "most_liked", limit: 10 };
const headers: UpdateHeaders = { "If-Match": '"abc"' };
type Created = paths["/api/v1/recipes"]["post"]["responses"][201]["content"]["application/json"];
type Refused = operations["updateRecipe"]["responses"][412]["content"]["application/problem+json"];
const titleOf = (r: Created): string => r.title;
const typeOf = (p: Refused | Problem): string => p.type;
const count = (p: Page): number => p.items.length + p.total;
export { recipe, query, headers, titleOf, typeOf, count };
"""


def _typescript_tools() -> Path:
    """openapi-typescript and tsc, installed once per version pair in a cache folder (npm install is the slow part)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("npm is not installed: the TypeScript client check (openapi-typescript + tsc) needs Node.js")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chopchop" / "typescript-check"
    tools = cache / f"{OPENAPI_TYPESCRIPT}+{TYPESCRIPT}".replace("@", "-")
    bin_folder = tools / "node_modules" / ".bin"
    if not (bin_folder / "tsc").exists() or not (bin_folder / "openapi-typescript").exists():
        tools.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(  # noqa: S603 - pinned packages
            [
                npm,
                "install",
                "--prefix",
                str(tools),
                "--no-audit",
                "--no-fund",
                "--silent",
                OPENAPI_TYPESCRIPT,
                TYPESCRIPT,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if installed.returncode != 0:
            pytest.skip(
                f"npm could not install {OPENAPI_TYPESCRIPT} and {TYPESCRIPT} (offline?): {installed.stderr[-500:]}"
            )
    return bin_folder


def test_the_document_type_checks_as_a_typescript_client(tmp_path: Path) -> None:
    tools = _typescript_tools()
    run: dict[str, Any] = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 180, "check": False}
    document = ROOT / "docs" / "openapi.json"
    # Fields with a default are optional in requests: without this flag, openapi-typescript makes them required.
    generate = [str(tools / "openapi-typescript"), str(document), "-o", "api.d.ts", "--default-non-nullable", "false"]
    generated = subprocess.run(generate, **run)  # noqa: S603, PLW1510 - check=False is in `run`
    assert generated.returncode == 0, generated.stdout + generated.stderr
    (tmp_path / "usage.ts").write_text(USAGE_TS)
    compile_only = [str(tools / "tsc"), "--noEmit", "--strict", "--target", "es2020", "--module", "es2020"]
    checked = subprocess.run([*compile_only, "--moduleResolution", "bundler", "usage.ts"], **run)  # noqa: S603, PLW1510
    assert checked.returncode == 0, f"tsc rejected the generated types:\n{checked.stdout}{checked.stderr}"

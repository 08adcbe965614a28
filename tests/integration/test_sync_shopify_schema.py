"""Every GraphQL document the Shopify connector sends is valid against Shopify's own published Admin schema
(from the npm package `@shopify/dev-mcp`, downloaded once into ~/.cache/ecrm-test-data/), uses no deprecated
field, and needs no access scope beyond those the connection check asks for. Without npm these tests fail."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_client_schema,
    execute_sync,
    get_named_type,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.validation import NoDeprecatedCustomRule

from ecrm_desktop.sync.emulator.shopify_api import ShopifyApi
from ecrm_desktop.sync.shopify_bulk import groups
from ecrm_desktop.sync.shopify_queries import ALL_QUERIES, API_VERSION, REQUIRED_SCOPES
from tests.sync_support import sample_store

CACHE = Path.home() / ".cache" / "ecrm-test-data"
PACKAGE = "@shopify/dev-mcp@1.16.0"
TARBALL = CACHE / "shopify-dev-mcp-1.16.0.tgz"


def _tarball() -> Path:
    if TARBALL.exists():
        return TARBALL
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed once to download Shopify's Admin schema (npm pack @shopify/dev-mcp)"
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        subprocess.run([npm, "pack", PACKAGE, "--pack-destination", tmp], check=True, capture_output=True,
                       timeout=300)
        Path(tmp, TARBALL.name).replace(TARBALL)
    return TARBALL


@pytest.fixture(scope="module")
def admin_document() -> dict[str, Any]:
    with tarfile.open(_tarball()) as tar:
        member = tar.extractfile(f"package/dist/data/admin_{API_VERSION}.json.gz")
        assert member is not None, f"the package has no Admin schema for {API_VERSION}"
        return json.loads(gzip.decompress(member.read()))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def schema(admin_document: dict[str, Any]) -> GraphQLSchema:
    built = build_client_schema(admin_document["data"])
    built._validation_errors = []  # skip the schema's own deprecation self-check (see notes)
    return built


@pytest.mark.parametrize("name", sorted(ALL_QUERIES))
def test_query_is_valid_against_shopify_schema(schema: GraphQLSchema, name: str) -> None:
    errors = validate(schema, parse(ALL_QUERIES[name]), [*specified_rules, NoDeprecatedCustomRule])
    assert errors == [], [e.message for e in errors]


def test_the_validation_catches_a_field_shopify_does_not_have(schema: GraphQLSchema) -> None:
    errors = validate(schema, parse("query { customers(first: 1) { nodes { id totalSpent } } }"))
    assert any("totalSpent" in e.message for e in errors)


@pytest.mark.parametrize("name", sorted(ALL_QUERIES))
def test_required_scopes_cover_every_type_queried(admin_document: dict[str, Any], schema: GraphQLSchema,
                                                  name: str) -> None:
    needs: dict[tuple[str, str | None], set[str]] = {}
    for item in admin_document["offline_scopes"]["items"]:
        if item["offlineScopes"]:
            needs[(item["typeName"], item.get("fieldName"))] = set(item["offlineScopes"])
    used: set[tuple[str, str | None]] = set()
    info = TypeInfo(schema)

    class Collect(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            parent, field = info.get_parent_type(), info.get_field_def()
            if parent is not None and field is not None:
                used.add((parent.name, node.name.value))
                used.add((get_named_type(field.type).name, None))

    visit(parse(ALL_QUERIES[name]), TypeInfoVisitor(info, Collect()))
    uncovered = {key: sorted(needs[key]) for key in used if key in needs and not needs[key] & set(REQUIRED_SCOPES)}
    assert uncovered == {}


def test_orders_older_than_sixty_days_are_asked_for() -> None:
    assert "read_all_orders" in REQUIRED_SCOPES


BULK = {"BulkCustomers": "customers", "BulkOrders": "orders", "BulkProducts": "products",
        "BulkCustomerIds": "customers", "BulkOrderIds": "orders", "BulkProductIds": "products"}
VARIABLES: dict[str, dict[str, Any]] = {
    "ShopCounts": {"limit": 100}, "BulkRun": {"query": ALL_QUERIES["BulkOrders"]},
    "Existing": {"ids": ["gid://shopify/Customer/1000", "gid://shopify/Order/99", "gid://shopify/Product/10000"]},
    **{name: {"first": 5, "after": None} for name in ("CustomerIds", "OrderIds", "ProductIds")}}


@pytest.mark.parametrize("name", sorted(set(ALL_QUERIES) - set(BULK)))
def test_the_emulator_answers_in_shopify_types(schema: GraphQLSchema, name: str) -> None:
    """Executing each query over the emulator's answer, with the real schema's types, raises no error: the
    emulator sends the fields, nullability, lists and enum values Shopify's schema promises."""
    api = ShopifyApi(sample_store(6))
    variables = VARIABLES.get(name, {"first": 5, "after": None, "query": None})
    if name == "BulkPoll":
        started = _answer(api, ALL_QUERIES["BulkRun"], VARIABLES["BulkRun"])["bulkOperationRunQuery"]
        variables = {"id": started["bulkOperation"]["id"]}
    data = _answer(api, ALL_QUERIES[name], variables)
    _assert_typed(schema, ALL_QUERIES[name], data, variables)


@pytest.mark.parametrize("name", sorted(BULK))
def test_bulk_results_reassembled_are_in_shopify_types(schema: GraphQLSchema, name: str) -> None:
    """The emulator's JSONL result of each bulk query, put back together as the connector does, is what the
    bulk query asks for in Shopify's types, nested connections included."""
    api = ShopifyApi(sample_store(6))
    gid = _answer(api, ALL_QUERIES["BulkRun"], {"query": ALL_QUERIES[name]})["bulkOperationRunQuery"][
        "bulkOperation"]["id"]
    while (op := _answer(api, ALL_QUERIES["BulkPoll"], {"id": gid})["bulkOperation"])["status"] != "COMPLETED":
        assert op["status"] in ("CREATED", "RUNNING")
    reply = api.handle("GET", op["url"].split("127.0.0.1", 1)[-1], {}, b"")
    text = reply.body.decode().splitlines()
    nodes = [g.payload for g in groups(enumerate(text))]
    assert len(nodes) == len(api.store.snapshot(BULK[name]))
    assert any("__parentId" in line for line in text) != name.endswith("Ids")  # nested rows, or ids alone
    _assert_typed(schema, ALL_QUERIES[name], {BULK[name]: {"nodes": nodes}}, {})


def _answer(api: ShopifyApi, document: str, variables: dict[str, Any]) -> Any:
    reply = api.handle("POST", f"/admin/api/{API_VERSION}/graphql.json",
                       {"x-shopify-access-token": api.store.token, "host": "127.0.0.1"},
                       json.dumps({"query": document, "variables": variables}).encode())
    return json.loads(reply.body)["data"]


def _assert_typed(schema: GraphQLSchema, document: str, data: Any, variables: dict[str, Any]) -> None:
    result = execute_sync(schema, parse(document), root_value=data, variable_values=variables,
                          field_resolver=_key_resolver, type_resolver=_type_of)
    assert result.errors is None, [e.message for e in result.errors or []]
    assert result.data == data


def _type_of(value: Any, *_: Any) -> str:
    """A Node's type from its global id; otherwise the one payment-details type the emulator sends."""
    gid = str(value.get("id") or "") if isinstance(value, dict) else ""
    return gid.split("/")[3] if gid.startswith("gid://shopify/") else "CardPaymentDetails"


def _key_resolver(source: Any, info: Any, **_: Any) -> Any:
    return source.get(info.field_name) if isinstance(source, dict) else None

"""Property-based fuzzing of the reuse API from its own OpenAPI document (schemathesis): no input
may make it answer 500. Runs in-process (ASGI) on SQLite with an admin key and a purpose, over a
small warehouse, with a bounded number of valid and invalid examples per operation.

(Schemathesis' own pytest plugin, `from_fixture`, does not work under pytest 9, so each operation
is driven through hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from loaders import procedures
from sohoa.runtime import Runtime
from sohoa.web.app import create_app
from tests.loaders import factories
from tests.web.conftest import PURPOSE, Keys, Warehouse

MAX_EXAMPLES = 25
OPERATIONS = [
    (method.upper(), path)
    for path, item in create_app(Runtime()).openapi()["paths"].items()
    for method in item
]


@pytest.fixture
def dialect() -> str:
    """SQLite only: the fuzzing is about input handling, not the database."""
    return "sqlite"


@pytest.fixture
def api_schema(app: FastAPI, warehouse: Warehouse, runtime: Runtime) -> schemathesis.BaseSchema:
    warehouse.verified(factories.id_card(id_number="001099012345"))
    warehouse.load(factories.id_card(id_number="079099012345"))
    warehouse.verified(factories.enterprise_registration("0101234567"))
    with runtime.session() as session:
        procedures.upsert(
            session,
            procedures.ProcedureSpec(
                "local.khai_sinh", "Đăng ký khai sinh", (procedures.Requirement("id_card"),)
            ),
        )
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_input_makes_a_server_error(
    method: str, path: str, api_schema: schemathesis.BaseSchema, keys: Keys
) -> None:
    headers = {"Authorization": f"Bearer {keys.make('admin')}", "X-Purpose": PURPOSE}
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=cases)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    check()

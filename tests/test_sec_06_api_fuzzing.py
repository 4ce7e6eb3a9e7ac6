"""SEC-05 / SEC-06: schemathesis drives every operation of the OpenAPI schema at /api/schema/ with data
made from the schema — valid (positive) and invalid (negative) — as each role, through the portal's WSGI
application on the test database. No answer may be a 5xx.

The schema is the list of operations: an operation added to it is fuzzed without anyone remembering to,
and the test fails if any operation of the schema went unexercised or was refused to every role."""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from .fuzzing import FUZZ_SETTINGS, TestClientWsgi, World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_request_log")]

# Examples per operation, role and mode. A role the operation refuses (401/403 to the first PROBE
# examples) is not fuzzed further: its requests never reach the view. About 1,300 requests in all.
PROBE = 2
MAX_EXAMPLES = 8
ROLES = ("anonymous", "filer", "reviewer")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
REFUSED = {401, 403}
# Path parameters are drawn from the schema half of the time and from real objects the other half,
# so that the operations on an object are reached, not only their 404s.
KNOWN_KEYS = ["entity", "product", "filing"]


def _operations(schema) -> list:
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())  # an operation the schema cannot describe fails here
    # Deletions last, so that the other operations still find the objects to act on.
    return sorted(operations, key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))


def _modes(operation) -> tuple[GenerationMode, ...]:
    """Negative data needs something to make invalid: a parameter or a body. A free-text header (If-Match,
    Idempotency-Key) is not one: every value of it is a string, and it is bent by hand below."""
    raw = operation.definition.raw
    negatable = [p for p in raw.get("parameters", ()) if p.get("in") != "header"]
    return MODES if negatable or raw.get("requestBody") else MODES[:1]


def _known_ids(world: World) -> list[int]:
    return sorted({pk for ids in world.ids.values() for pk in ids})


# Values the schema cannot describe but people send: digits of other scripts, numbers beyond 64 bits,
# impossible and far-away moments, NUL; and bodies of the wrong shape.
HOSTILE_VALUES = [
    "²",
    "٣",
    "２０２６",
    "0",
    "10000",
    "-1",
    "99999999999999999999",
    "9223372036854775808",
    "2026-13-01T00:00:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59-12:00",
    "2026-11-01T00:00:00+99:00",
    "\x00",
    "",
]
HOSTILE_JSON = [[], "text", 0, None, [1], {"": []}, 99999999999999999999, -1, {"a": {"b": []}}]


HOSTILE_HEADERS = {
    "If-Match": ['"²"', 'W/"99999999999999999999"', "*", '"-1"', '"', "0", '"7", "8"', "W/"],
    "Idempotency-Key": ["clé", "x" * 65, "a b", "0", "\x7f"],
}


def _bend(case, data) -> None:
    """Half the time, a query value, a header (REL-03's If-Match and Idempotency-Key) or a JSON field (or
    the whole body) becomes a hostile one."""
    declared = {
        p.get("name") for p in case.operation.definition.raw.get("parameters", ()) if p.get("in") == "header"
    }
    for name in sorted(declared & set(HOSTILE_HEADERS)):
        if data.draw(st.booleans(), label=f"bend {name}"):
            case.headers = {**(case.headers or {}), name: data.draw(st.sampled_from(HOSTILE_HEADERS[name]))}
    if case.query and data.draw(st.booleans(), label="bend query"):
        name = data.draw(st.sampled_from(sorted(case.query)), label="query name")
        case.query[name] = data.draw(st.sampled_from(HOSTILE_VALUES), label="query value")
    if case.media_type == "application/json" and data.draw(st.booleans(), label="bend body"):
        hostile = st.sampled_from([*HOSTILE_JSON, *HOSTILE_VALUES])
        if isinstance(case.body, dict) and case.body and data.draw(st.booleans(), label="one field"):
            name = data.draw(st.sampled_from(sorted(case.body)), label="field")
            case.body[name] = data.draw(hostile, label="field value")
        else:
            case.body = data.draw(hostile, label="body")


CONFORMANCE = [content_type_conformance, response_schema_conformance]


class FuzzRun:
    """Sends the cases of each operation and keeps count: the cases sent, who reached which
    operation's view, and every 5xx with the request that caused it."""

    def __init__(self, *, known_ids: list[int]):
        self.known_ids = known_ids
        self.cases = 0
        self.server_errors: list[str] = []
        self.nonconforming: list[str] = []
        self.reached: dict[str, set[str]] = {}  # operation → roles whose requests reached the view
        self.exercised: set[tuple[str, str]] = set()

    def fuzz(self, operation, *, mode: GenerationMode, role: str, headers: dict[str, str]) -> None:
        label = f"{operation.method.upper()} {operation.path}"
        self._fuzz(operation, label, mode=mode, role=role, headers=headers, examples=PROBE)
        if role in self.reached.get(label, ()):
            self._fuzz(operation, label, mode=mode, role=role, headers=headers, examples=MAX_EXAMPLES)

    def _fuzz(
        self, operation, label: str, *, mode, role: str, headers: dict[str, str], examples: int
    ) -> None:
        @settings(FUZZ_SETTINGS, max_examples=examples)
        @given(data=st.data())
        def fuzz(data):
            case = data.draw(operation.as_strategy(generation_mode=mode), label="case")
            for name in list(case.path_parameters or {}):
                if data.draw(st.booleans(), label=f"real {name}"):
                    known = KNOWN_KEYS if name == "key" else self.known_ids
                    case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
            _bend(case, data)
            response = case.call(headers=headers)
            self.cases += 1
            self.exercised.add((role, label))
            if response.status_code not in REFUSED:
                self.reached.setdefault(label, set()).add(role)
            if response.status_code >= 500:
                self.server_errors.append(
                    f"{response.status_code} as {role}: {case.as_curl_command(headers=headers)}"
                )
            elif response.status_code < 400:
                # A success answers with the documented content type and body (errors are not documented).
                try:
                    case.validate_response(response, checks=CONFORMANCE)
                except FailureGroup as exc:
                    self.nonconforming.append(f"{label} as {role}: {str(exc).splitlines()[0:3]}")

        fuzz()


@pytest.fixture
def fuzz_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json(), config=schemathesis.Config())
    schema.app = TestClientWsgi()
    return schema


def test_sec_06_every_api_operation_as_every_role_answers_without_a_5xx(fuzz_schema):
    """SEC-05: no input, however malformed, gets a 5xx — over every operation of the API schema, as
    anonymous, as a filer with an entity, products and filings, and as a national reviewer."""
    world = build_world()
    users = {"filer": world.filer, "reviewer": world.reviewer}
    operations = _operations(fuzz_schema)
    assert len(operations) >= 30, "the schema lost its operations"

    run = FuzzRun(known_ids=_known_ids(world))
    started = time.monotonic()
    for role in ROLES:
        for operation in operations:
            # A fresh token for each operation: the logout operations end the one they are sent with.
            headers = {"Authorization": f"Token {world.token(users[role])}"} if role in users else {}
            for mode in _modes(operation):
                run.fuzz(operation, mode=mode, role=role, headers=headers)

    elapsed = time.monotonic() - started
    print(
        f"SEC-06 API fuzzing: {len(operations)} operations × {len(ROLES)} roles, {run.cases} cases, "
        f"{len(run.server_errors)} 5xx, {len(run.nonconforming)} successes off the schema, {elapsed:.1f} s"
    )
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    assert run.exercised == {(role, label) for role in ROLES for label in labels}
    assert not labels - set(run.reached), (
        f"refused to every role, so never fuzzed: {sorted(labels - set(run.reached))}"
    )
    assert not run.server_errors, f"{len(run.server_errors)} answers were 5xx:\n" + "\n".join(
        run.server_errors
    )
    assert not run.nonconforming, "answers that do not match the schema:\n" + "\n".join(run.nonconforming)

# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""The server keeps the contract in kiosk/server/openapi.yaml: same document, same routes, same shapes."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from api_support import NIK_YOUNG, ApiServer, hasher, server, token_of  # noqa: F401  (fixtures)
from schema_check import problems

from kiosk.core.nik import NikHasher, mask
from kiosk.server.contract import Contract, Violation, flask_rule_to_template

SPEC_FILE = Path(__file__).resolve().parents[2] / "kiosk" / "server" / "openapi.yaml"


@pytest.fixture
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def http(server: ApiServer) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token_of('MPP-1')}"
    return session


def post(http: requests.Session, url: str, body: Any) -> requests.Response:
    return http.post(url, json=body, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=5)


def test_the_published_schema_is_the_document_in_the_repository_with_the_services_of_the_site(
    server: ApiServer, spec: dict[str, Any]
) -> None:
    published = requests.get(server.url + "/openapi.json", timeout=5)
    assert published.status_code == 200
    enforced = published.json()
    assert enforced["components"]["schemas"]["ServiceCode"]["enum"] == sorted(s.code for s in server.config.services)
    del enforced["components"]["schemas"]["ServiceCode"]["enum"]
    assert enforced == spec


def test_every_route_of_the_server_is_in_the_document_and_every_documented_path_is_served(
    server: ApiServer, spec: dict[str, Any]
) -> None:
    app = server.running.app  # type: ignore[union-attr]
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith(("web.", "book.")):
            continue  # the web pages and their assets (kiosk.server.web, booking_site) are HTML, not the JSON API
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule).removeprefix("/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method.lower(), path))
    documented = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert served == documented


def test_answers_of_the_server_have_the_documented_shapes(
    server: ApiServer, spec: dict[str, Any], http: requests.Session, hasher: NikHasher
) -> None:
    day = server.clock.now().date().isoformat()
    walk_in = post(
        http,
        server.url + "/walk-ins",
        {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG), "priority": None},
    )
    ticket_id = walk_in.json()["id"]
    health = {"printer": "ready", "unsynced": 0, "time": f"{day}T08:00:00+07:00"}
    calls = [
        ("/walk-ins", "post", walk_in),
        ("/health", "get", http.get(server.url + "/health", timeout=5)),
        ("/quotas", "get", http.get(server.url + "/quotas", timeout=5)),
        ("/mirror", "get", http.get(server.url + "/mirror", timeout=5)),
        ("/bookings/{code}", "get", http.get(server.url + "/bookings/MGT-0001", timeout=5)),
        ("/bookings/{code}", "get", http.get(server.url + "/bookings/MGT-7777", timeout=5)),
        ("/bookings/search", "post", post(http, server.url + "/bookings/search", {"nik_hash": "c" * 64})),
        ("/check-ins", "post", post(http, server.url + "/check-ins", {"code": "MGT-0001"})),
        ("/check-ins", "post", post(http, server.url + "/check-ins", {"code": "MGT-0001"})),
        ("/tickets", "get", http.get(server.url + f"/tickets?day={day}", timeout=5)),
        ("/tickets/{day}/{number}", "get", http.get(server.url + f"/tickets/{day}/A-001", timeout=5)),
        ("/tickets/{ticket_id}/reprints", "post", post(http, server.url + f"/tickets/{ticket_id}/reprints", {})),
        (
            "/tickets/{ticket_id}/printed",
            "post",
            post(http, server.url + f"/tickets/{ticket_id}/printed", {"printed": True}),
        ),
        ("/reports/{day}", "get", http.get(server.url + f"/reports/{day}", timeout=5)),
        ("/leases", "post", post(http, server.url + "/leases", {"service_code": "KK", "size": 2})),
        ("/sync", "post", post(http, server.url + "/sync", {})),
        ("/kiosks/health", "post", post(http, server.url + "/kiosks/health", health)),
        ("/walk-ins", "post", post(http, server.url + "/walk-ins", {"service_code": "KTP"})),
    ]
    seen_statuses = set()
    for path, method, response in calls:
        operation = spec["paths"][path][method]
        status = str(response.status_code)
        seen_statuses.add(status)
        assert status in operation["responses"], f"{method} {path} answered {status}, not documented"
        declared = operation["responses"][status]
        if "$ref" in declared:
            declared = spec["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
        if "content" not in declared:
            assert response.content == b""
            continue
        ((media, body),) = declared["content"].items()
        assert response.headers["Content-Type"].startswith(media), (path, response.headers["Content-Type"])
        assert problems(response.json(), body["schema"], spec) == [], (method, path, status)
    assert {"200", "201", "204", "404", "409", "422"} <= seen_statuses


def test_an_operation_added_to_the_document_is_validated_with_no_code_of_its_own(spec: dict[str, Any]) -> None:
    """What a new blueprint (counters, the display) documents is checked like the rest: parameters and body."""
    spec["paths"]["/counters/{counter}/calls"] = {
        "post": {
            "parameters": [
                {"name": "counter", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
                {"$ref": "#/components/parameters/IdempotencyKey"},
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["number"],
                            "properties": {"number": {"$ref": "#/components/schemas/TicketNumber"}},
                        }
                    }
                },
            },
            "responses": {"201": {"description": "called"}},
        }
    }
    contract = Contract(spec)
    operation = contract.operation("POST", flask_rule_to_template("/v1/counters/<int:loket>/calls"))
    assert operation is not None
    key = {"idempotency-key": "key-0000001"}
    checked = contract.check(operation, {"loket": "2"}, {}, key, b'{"number": "A-001"}')
    assert checked.body == {"number": "A-001"}
    with pytest.raises(Violation) as wrong:
        contract.check(operation, {"loket": "0"}, {}, key, b'{"number": "3520010507050004", "nik": 1}')
    assert {e["field"] for e in wrong.value.errors} == {"counter", "number", "nik"}
    assert "3520010507050004" not in str(wrong.value)
    assert contract.operation("POST", "/counters/{n}/calls") is None  # a page outside /v1 is not the API
    assert contract.most_specific("/counters/2/calls") is None
    assert contract.resource_methods("/v1/counters/2/calls") == {"POST"}
    with pytest.raises(Violation) as missing:
        contract.check(operation, {"loket": "2"}, {}, {}, b'{"number": "A-001"}')
    assert missing.value.status == 400

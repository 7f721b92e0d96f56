"""The API document as the server's request validator: every documented operation, checked generically.

A request to a route that the OpenAPI document describes is checked against that operation's
path, query and header parameters and its JSON request body, with a real JSON Schema validator
(Draft 2020-12, the dialect of OpenAPI 3.1, with format checking: ``date``, ``date-time``). An
operation someone adds to the document is validated with no code of its own.

A schema may carry ``x-problem: {code, status, param}``: when every error of a request is a
string value refused by such a schema, the answer uses that problem code (``date_invalid``,
``service_unknown``, ...) so that a kiosk shows the same message as with a local day book.
Otherwise the answer is ``request_invalid`` and names each field.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk.core.privacy import looks_like_nik
from kiosk.core.record import record

SPEC_URI = "urn:antrian:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_TEMPLATE_PARAM = re.compile(r"\{([^}]+)\}")
HIDDEN = "(hidden)"
_FLASK_PARAM = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


@dataclass
class Violation(Exception):
    """A request that breaks the document: the problem to answer with."""

    status: int
    code: str
    title: str
    errors: list[dict[str, str]] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: " + "; ".join(f"{e['field']}: {e['problem']}" for e in self.errors)


@record
class Checked:
    """What passed: the parsed body (``None`` for an operation without one) and its canonical form."""

    body: Any
    canonical: str


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def flask_rule_to_template(rule: str) -> str:
    """``/v1/tickets/<day>/<number>`` -> ``/v1/tickets/{day}/{number}``."""
    return _FLASK_PARAM.sub(r"{\1}", rule)


def _shape(template: str) -> str:
    return _TEMPLATE_PARAM.sub("{}", template)


def _field(path: Iterable[str | int], prefix: str = "") -> str:
    out = prefix
    for part in path:
        if isinstance(part, str) and looks_like_nik(part):
            part = HIDDEN  # a field named with a NIK: the answer never repeats it
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


@record
class Parameter:
    name: str
    location: str
    required: bool
    validator: Draft202012Validator
    kinds: tuple[str, ...]  # the JSON types its schema allows: how to read the text of a path or query value
    problem: dict[str, Any] | None  # the first ``x-problem`` along its schema's ``$ref`` chain


@record
class Operation:
    method: str
    template: str
    parameters: tuple[Parameter, ...]
    body: Draft202012Validator | None
    body_required: bool
    max_body_bytes: int | None  # ``x-max-body-bytes`` of the request body: a larger limit than the server's

    @property
    def path_names(self) -> list[str]:
        return _TEMPLATE_PARAM.findall(self.template)


def with_service_codes(spec: Mapping[str, Any], codes: Iterable[str]) -> dict[str, Any]:
    """The document as this server enforces it: ``ServiceCode`` lists the configured services."""
    filled = copy.deepcopy(dict(spec))
    schema = filled.get("components", {}).get("schemas", {}).get("ServiceCode")
    if schema is not None:
        schema["enum"] = sorted(codes)
    return filled


class Contract:
    """The operations of one OpenAPI document, each with compiled validators."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        resource: Resource[Any] = Resource.from_contents(dict(spec), default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        servers = spec.get("servers") or [{"url": ""}]
        self.base_path = urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")
        self._operations: dict[tuple[str, str], Operation] = {}
        for template, item in spec.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method in item:
                    self._operations[(method, _shape(template))] = self._compile(method, template, item[method], shared)

    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator(
            {"$ref": f"{SPEC_URI}#{pointer}"},
            registry=self._registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    def _resolve(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        while "$ref" in node:
            ref = str(node["$ref"])
            pointer = ref.removeprefix("#")
            target: Any = self.spec
            for part in pointer.strip("/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node, pointer

    def _marker(self, node: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The schema at the end of ``node``'s ``$ref`` chain, and the first ``x-problem`` on the way."""
        problem = None
        while True:
            if problem is None and isinstance(node.get("x-problem"), dict):
                problem = node["x-problem"]
            if "$ref" not in node:
                return node, problem
            target: Any = self.spec
            for part in str(node["$ref"]).removeprefix("#").strip("/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target

    def _compile(
        self, method: str, template: str, operation: dict[str, Any], shared: list[dict[str, Any]]
    ) -> Operation:
        here = _pointer("paths", template, method)
        parameters: dict[tuple[str, str], Parameter] = {}
        sources = [(p, _pointer("paths", template, "parameters", str(i))) for i, p in enumerate(shared)]
        sources += [(p, here + _pointer("parameters", str(i))) for i, p in enumerate(operation.get("parameters", []))]
        for raw, pointer in sources:  # operation-level parameters override path-level ones
            param, pointer = self._resolve(raw, pointer)
            schema, problem = self._marker(param.get("schema", {}))
            kinds = schema.get("type", "string")
            key = (str(param["name"]).lower(), str(param["in"]))
            parameters[key] = Parameter(
                name=str(param["name"]),
                location=str(param["in"]),
                required=bool(param.get("required", param["in"] == "path")),
                validator=self._validator(pointer + "/schema"),
                kinds=tuple(kinds) if isinstance(kinds, list) else (str(kinds),),
                problem=problem,
            )
        body: Draft202012Validator | None = None
        required = False
        limit = None
        if "requestBody" in operation:
            request_body, pointer = self._resolve(operation["requestBody"], here + "/requestBody")
            if "application/json" in request_body.get("content", {}):
                body = self._validator(pointer + _pointer("content", "application/json", "schema"))
                required = bool(request_body.get("required", False))
            if isinstance(request_body.get("x-max-body-bytes"), int):
                limit = int(request_body["x-max-body-bytes"])
        return Operation(method, template, tuple(parameters.values()), body, required, limit)

    def _relative(self, path: str) -> str | None:
        """``/v1/tickets`` -> ``/tickets``; None for a path outside the API (pages, sounds)."""
        if not self.base_path:
            return path
        if not path.startswith(self.base_path + "/"):
            return None
        return path[len(self.base_path) :]

    def operation(self, method: str, template: str) -> Operation | None:
        """The documented operation for a served route template (``/v1/...``)."""
        relative = self._relative(template)
        if relative is None:
            return None
        method = method.lower()
        found = self._operations.get((method, _shape(relative)))
        if found is None and method == "head":
            found = self._operations.get(("get", _shape(relative)))
        return found

    def most_specific(self, path: str) -> str | None:
        """The documented template a concrete request path belongs to (OpenAPI: literal segments win)."""
        relative = self._relative(path)
        if relative is None:
            return None
        best: tuple[int, str] | None = None
        for shape in {shape for _method, shape in self._operations}:
            pattern = "^" + "[^/]+".join(re.escape(part) for part in shape.split("{}")) + "$"
            if re.match(pattern, relative):
                literal = sum(1 for segment in shape.split("/") if segment and segment != "{}")
                if best is None or literal > best[0]:
                    best = (literal, shape)
        return best[1] if best else None

    def resource_methods(self, path: str) -> set[str]:
        """The documented methods of the resource a concrete request path belongs to."""
        shape = self.most_specific(path)
        return {method.upper() for method, known in self._operations if known == shape} if shape else set()

    def methods(self, template: str) -> set[str]:
        """The documented methods of a served route template, upper case (empty if undocumented)."""
        relative = self._relative(template)
        if relative is None:
            return set()
        return {method.upper() for method, shape in self._operations if shape == _shape(relative)}

    def operations(self) -> list[Operation]:
        return list(self._operations.values())

    # -- checking one request ---------------------------------------------------------------

    def check(
        self,
        operation: Operation,
        path_values: Mapping[str, Any],
        query: Mapping[str, str],
        headers: Mapping[str, str],
        raw_body: bytes,
    ) -> Checked:
        """The parsed body if the request keeps the document; raises ``Violation`` otherwise.

        ``headers`` are keyed by lower-case name.
        """
        # Path values in the order of the template: the route may name them differently.
        names = operation.path_names
        values = list(path_values.values())
        by_name = {names[i]: str(values[i]) for i in range(min(len(names), len(values)))}
        for parameter in operation.parameters:
            if parameter.location != "header":
                continue
            value = headers.get(parameter.name.lower())
            if value is None or value == "":
                if parameter.required:
                    raise Violation(
                        400,
                        "request_invalid",
                        f"The {parameter.name} header is missing",
                        [{"field": parameter.name, "problem": "required header"}],
                    )
                continue
            errors = list(parameter.validator.iter_errors(value))
            if errors:
                raise Violation(
                    400,
                    "request_invalid",
                    f"The {parameter.name} header is malformed",
                    [{"field": parameter.name, "problem": _problem_text(_leaves(errors[0])[0])}],
                )
        found: list[tuple[str, ValidationError, Any, dict[str, Any] | None]] = []
        for parameter in operation.parameters:
            if parameter.location == "path":
                present, raw = parameter.name in by_name, by_name.get(parameter.name)
            elif parameter.location == "query":
                present, raw = parameter.name in query, query.get(parameter.name)
            else:
                continue
            if not present:
                if parameter.required:
                    found.append((parameter.name, _missing(), None, None))
                continue
            value = _coerce(raw, parameter.kinds)
            for error in parameter.validator.iter_errors(value):
                found += [(parameter.name, leaf, value, parameter.problem) for leaf in _leaves(error)]
        body: Any = None
        canonical = ""
        if operation.body is not None:
            if raw_body.strip() == b"":
                if operation.body_required:
                    found.append(("(body)", _missing(), None, None))
            else:
                try:
                    body = json.loads(raw_body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError, RecursionError):
                    raise Violation(
                        422,
                        "request_invalid",
                        "The request body is not JSON",
                        [{"field": "(body)", "problem": "not JSON"}],
                    ) from None
                for error in operation.body.iter_errors(body):
                    found += [(_field(leaf.absolute_path), leaf, leaf.instance, None) for leaf in _leaves(error)]
                canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if found:
            raise _violation(found)
        return Checked(body, canonical)


def _missing() -> ValidationError:
    return ValidationError("required", validator="required", validator_value=True)


def _coerce(raw: Any, kinds: tuple[str, ...]) -> Any:
    """A parameter arrives as text; an integer or boolean schema gets the value it spells, if any."""
    if "string" in kinds or not isinstance(raw, str):
        return raw
    if "integer" in kinds and re.fullmatch(r"-?[0-9]{1,18}", raw):
        return int(raw)
    if "boolean" in kinds and raw in ("true", "false"):
        return raw == "true"
    return raw


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The telling errors under a ``oneOf``/``anyOf``: those of the branch the value came closest to."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else 0, []).append(sub)
    closest = min(branches.values(), key=len)
    return [leaf for sub in closest for leaf in _leaves(sub)]


def _problem_text(error: ValidationError) -> str:
    """What is wrong, never the value itself: it may be a NIK typed where it does not belong."""
    keyword = str(error.validator)
    texts = {
        "required": "required",
        "additionalProperties": "not a field of this request",
        "pattern": "wrong form",
        "not": "not allowed here",
        "enum": "not one of the allowed values",
        "const": "not the allowed value",
        "format": f"not a valid {error.validator_value}",
        "type": f"must be of type {error.validator_value}",
        "maxLength": f"at most {error.validator_value} characters",
        "minLength": f"at least {error.validator_value} characters",
        "maxItems": f"at most {error.validator_value} items",
        "minItems": f"at least {error.validator_value} items",
        "minimum": f"at least {error.validator_value}",
        "maximum": f"at most {error.validator_value}",
    }
    return texts.get(keyword, f"breaks '{keyword}'")


def _violation(found: list[tuple[str, ValidationError, Any, dict[str, Any] | None]]) -> Violation:
    errors = []
    domain: set[tuple[str, int, str]] = set()
    params: dict[str, str] = {}
    for name, error, value, declared in found:
        if error.validator == "required" and isinstance(error.validator_value, list):
            missing = re.findall(r"'([^']+)' is a required property", error.message)
            for prop in missing or ["?"]:
                errors.append({"field": _field([*error.absolute_path, prop]), "problem": "required"})
            domain.add(("", 0, ""))
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            schema_props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            for prop in sorted(k for k in error.instance if k not in schema_props):
                errors.append({"field": _field([*error.absolute_path, prop]), "problem": "not a field of this request"})
            domain.add(("", 0, ""))
            continue
        errors.append({"field": name, "problem": _problem_text(error)})
        marker = declared or (error.schema.get("x-problem") if isinstance(error.schema, dict) else None)
        if isinstance(marker, dict) and isinstance(value, str):
            domain.add((str(marker["code"]), int(marker.get("status", 422)), str(marker.get("param", ""))))
            if marker.get("param") and not looks_like_nik(value):
                params[str(marker["param"])] = value[:20]
        else:
            domain.add(("", 0, ""))
    unique: dict[str, dict[str, str]] = {}
    for entry in errors:  # one problem per field: a number given for a code breaks its type, not its enum
        unique.setdefault(entry["field"], entry)
    errors = list(unique.values())
    if len(domain) == 1:
        code, status, _param = next(iter(domain))
        if code:
            return Violation(status, code, code, errors, params)
    return Violation(422, "request_invalid", "The request does not match the API document", errors)

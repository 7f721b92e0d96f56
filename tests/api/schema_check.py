"""Answers checked against kiosk/server/openapi.yaml by a real JSON Schema validator (2020-12, formats on)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:antrian:openapi-under-test"


def problems(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (an empty list when it conforms); ``$ref`` resolves in ``spec``."""
    resource: Resource[Any] = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    validator = Draft202012Validator(
        _rebase(schema), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{where}{''.join(f'[{p!r}]' for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


def _rebase(node: Any) -> Any:
    """``#/components/...`` refs point into the whole document, wherever the schema was taken from."""
    if isinstance(node, dict):
        return {
            k: (SPEC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
            for k, v in node.items()
            if k != "$id"
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node

"""Checks of request bodies: every wrong shape becomes a 4xx problem naming the field, never a 500."""

from __future__ import annotations

import json
import re
from typing import Any

from kiosk.core.model import Priority

NIK_HASH = re.compile(r"^[0-9a-f]{64}$")
NIK_MASKED = re.compile(r"^[0-9]{4}\*{10}[0-9]{2}$")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")
TICKET_ID = re.compile(r"^[0-9a-f-]{36}$")
PRIORITIES = tuple(p.value for p in Priority)


class Invalid(Exception):
    """The request is malformed; ``errors`` lists ``{"field", "problem"}`` entries."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['problem']}" for e in errors))
        self.errors = errors


def parse_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid([{"field": "(body)", "problem": "not JSON"}]) from None
    if not isinstance(data, dict):
        raise Invalid([{"field": "(body)", "problem": "must be a JSON object"}])
    return data


class Fields:
    """Reads the fields of one JSON object, collecting every problem before raising."""

    def __init__(self, data: dict[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.errors: list[dict[str, str]] = []

    def _bad(self, name: str, problem: str) -> None:
        self.errors.append({"field": self.prefix + name, "problem": problem})

    def text(
        self, name: str, pattern: re.Pattern[str] | None = None, max_len: int = 100, optional: bool = False
    ) -> str | None:
        value = self.data.get(name)
        if value is None:
            if not optional:
                self._bad(name, "required")
            return None
        if not isinstance(value, str):
            self._bad(name, "must be a string")
        elif len(value) > max_len:
            self._bad(name, f"at most {max_len} characters")
        elif pattern is not None and not pattern.match(value):
            self._bad(name, f"must match {pattern.pattern}")
        else:
            return value
        return None

    def integer(self, name: str, minimum: int, maximum: int, optional: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None:
            if not optional:
                self._bad(name, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._bad(name, "must be an integer")
        elif not minimum <= value <= maximum:
            self._bad(name, f"between {minimum} and {maximum}")
        else:
            return value
        return None

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if not isinstance(value, bool):
            self._bad(name, "must be true or false")
            return False
        return value

    def choice(self, name: str, choices: tuple[str, ...], optional: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        if value not in choices:
            self._bad(name, f"one of {', '.join(choices)}")
            return None
        return str(value)

    def items(self, name: str, max_items: int = 500) -> list[Any]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self._bad(name, "must be a list")
            return []
        if len(value) > max_items:
            self._bad(name, f"at most {max_items} items")
            return []
        return value

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


# -- the parts of a sync body ---------------------------------------------------------


def used_item(item: Any, prefix: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Invalid([{"field": prefix.rstrip("."), "problem": "must be an object"}])
    fields = Fields(item, prefix)
    out: dict[str, Any] = {
        "ticket_id": fields.text("ticket_id", TICKET_ID, max_len=36),
        "number": fields.text("number", max_len=10),
        "kind": fields.choice("kind", ("walk_in", "online")),
        "holder": fields.text("holder", max_len=30),
        "nik_hash": fields.text("nik_hash", NIK_HASH, max_len=64, optional=True),
        "priority": fields.choice("priority", PRIORITIES, optional=True),
        "booking_code": fields.text("booking_code", max_len=30, optional=True),
        "issued_at": fields.text("issued_at", max_len=40),
        "printed": fields.flag("printed"),
        "reprints": fields.integer("reprints", 0, 100),
    }
    fields.done()
    return out


def ticket_ref(item: Any, name: str) -> str:
    if not isinstance(item, str) or not TICKET_ID.match(item):
        raise Invalid([{"field": name, "problem": f"must match {TICKET_ID.pattern}"}])
    return item


def key_ref(item: Any, name: str) -> str:
    if not isinstance(item, str) or not IDEMPOTENCY_KEY.match(item):
        raise Invalid([{"field": name, "problem": f"must match {IDEMPOTENCY_KEY.pattern}"}])
    return item


def mark(item: Any, prefix: str) -> tuple[str, bool]:
    if not isinstance(item, dict):
        raise Invalid([{"field": prefix.rstrip("."), "problem": "must be an object"}])
    fields = Fields(item, prefix)
    ticket_id = fields.text("ticket_id", TICKET_ID, max_len=36)
    flag = fields.flag("printed")
    fields.done()
    return str(ticket_id), flag

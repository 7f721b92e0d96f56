"""What every client of the booking API (kiosk/server/openapi.yaml) does the same way.

The kiosk (``kiosk.backends.http``), a counter (``http_calls``) and the supervisor's desk
(``http_office``) each sign in with their own token; all use one ``requests`` session with
connect and read timeouts and TLS verification, and turn a transport failure or a problem
document into the same errors the local day book raises. Log lines and faults carry no token.
"""

from __future__ import annotations

import os
import socket
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core import problems
from kiosk.core.config import Config
from kiosk.core.errors import KioskError, Reason, SystemFault
from kiosk.ops.logging import hide_secret

if TYPE_CHECKING:
    import requests

# requests and urllib3 (some 40 ms of a kiosk's cold start) are imported where they are used: a
# kiosk makes its first call on the status thread, after the first frame (tests/ui/test_cold_start.py).


def read_problem(response: requests.Response) -> tuple[Reason | None, str | None, dict[str, Any]]:
    """An RFC 9457 problem answer as (our reason, its code, its params); anything unparsable gives Nones."""
    try:
        data = response.json()
    except ValueError:
        data = None
    code = data.get("code") if isinstance(data, dict) else None
    params = data.get("params") if isinstance(data, dict) else None
    safe = {str(k): v for k, v in params.items()} if isinstance(params, dict) else {}
    return problems.reason_of(code), code if isinstance(code, str) else None, safe


def read_token(token_file: Path | None, env: str, missing: Reason, option: str = "--token-file") -> str:
    """A bearer token from ``token_file``, else from the environment variable ``env``; hidden
    from the logs from then on. No token at all is a fault of reason ``missing`` that names
    ``option`` (where the file is given) and ``env``."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SystemFault(Reason.CONFIG_INVALID, path=str(token_file), detail=exc.strerror) from None
    else:
        token = os.environ.get(env, "").strip()
    if not token:
        raise SystemFault(missing, detail=f"no token in {option} or ${env}")
    hide_secret(token)  # whoever logs it later (urllib3, a traceback), the journal never gets it
    return token


def api_session(config: Config, token: str, user_agent: str) -> requests.Session:
    """A session for the booking API: TLS as configured, the bearer token, a few quick retries.

    Retrying a POST is safe: every POST carries an Idempotency-Key, so a retry gets the first answer.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    session.verify = config.backend.verify_tls
    session.headers["Authorization"] = f"Bearer {token}"
    session.headers["User-Agent"] = user_agent
    retry = Retry(
        total=2,
        connect=2,
        read=1,
        status=1,
        backoff_factor=0.05,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def transport_failure(exc: BaseException, timeout: tuple[float, float]) -> tuple[str, str]:
    """A short kind and a precise, secret-free sentence for the log and the technician screen."""
    import requests
    from urllib3 import exceptions as urllib3_exc

    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        inner = getattr(seen, "reason", None)
        seen = inner if isinstance(inner, BaseException) else (seen.__cause__ or seen.__context__)
    if any(isinstance(e, (requests.exceptions.SSLError, urllib3_exc.SSLError, ssl.SSLError)) for e in chain):
        return "tls", "TLS error (certificate, or the server does not speak TLS)"
    if any(isinstance(e, urllib3_exc.NameResolutionError | socket.gaierror) for e in chain):
        return "dns", "host name does not resolve (DNS)"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused", "connection refused (server not running?)"
    if any(isinstance(e, (requests.exceptions.ReadTimeout, urllib3_exc.ReadTimeoutError)) for e in chain):
        return "timeout", f"no answer within the read timeout ({timeout[1]} s)"
    if any(isinstance(e, (requests.exceptions.ConnectTimeout, urllib3_exc.ConnectTimeoutError)) for e in chain):
        return "connect_timeout", f"no connection within the connect timeout ({timeout[0]} s)"
    if any(isinstance(e, urllib3_exc.ProtocolError) for e in chain):
        return "dropped", "connection dropped before the answer"
    return "connection", f"cannot connect ({type(chain[-1]).__name__})"


class ApiClient:
    """A person's client of the API below ``base``: one call, one JSON answer or one error.

    Subclasses say what a refused answer means for them (``_problem``) and what to log when
    the server cannot be reached (``_unreachable``).
    """

    def __init__(self, config: Config, base: str, token: str, user_agent: str) -> None:
        self.base = base
        self.timeout = (config.backend.connect_timeout_s, config.backend.read_timeout_s)
        self.session = api_session(config, token, user_agent)

    def close(self) -> None:
        self.session.close()

    def _call(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        """``method`` on ``base + path`` with ``body`` as JSON (and ``key`` as its Idempotency-Key)."""
        import requests

        headers = {"Idempotency-Key": key} if key else {}
        try:
            response = self.session.request(
                method, self.base + path, json=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            kind, what = transport_failure(exc, self.timeout)
            self._unreachable(method, path, what)
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail=kind) from None
        if response.status_code >= 400:
            raise self._problem(response)
        try:
            return response.json()
        except ValueError:
            raise SystemFault(Reason.BACKEND_FAULT, detail="malformed") from None

    def _unreachable(self, method: str, path: str, what: str) -> None:
        """Called with the reason (``transport_failure``'s sentence) before the fault is raised."""

    def _problem(self, response: requests.Response) -> KioskError:
        """A problem answer as the error the local day book would raise; anything else a fault."""
        _reason, code, params = read_problem(response)
        return problems.error_from(response.status_code, code, params) or SystemFault(
            Reason.BACKEND_FAULT, status=response.status_code, detail=str(code or "")[:40]
        )

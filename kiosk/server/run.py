"""Serving the API with waitress: in the foreground (``kiosk serve``) or in a thread (tests, benches)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask
from waitress import create_server  # type: ignore[import-untyped]

from kiosk.ops.systemd import SystemdNotifier
from kiosk.ops.watchdog import ServerHeartbeat, health_url

log = logging.getLogger(__name__)


class RunningServer:
    """A waitress server on its own thread; ``stop()`` drops every connection, like a power cut."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.app = app
        self._server: Any = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="antrian",
            channel_timeout=30,
            asyncore_loop_timeout=0.1,  # a stop is noticed within 0.1 s
            clear_untrusted_proxy_headers=True,
        )
        self.host = host
        self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._server.run, name=f"api-{self.port}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def stop(self) -> None:
        server = self._server

        def close_all() -> None:  # runs on the server's own loop thread, between two polls
            for channel in list(server._map.values()):
                if channel is not server and channel is not server.trigger:
                    channel.close()
            server.close()

        try:
            server.trigger.pull_trigger(close_all)
        except OSError:
            # The loop already closed its wake-up pipe (it is ending on its own); close here.
            close_all()
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=2)


def serve_forever(app: Flask, host: str, port: int, threads: int) -> None:
    """Block serving ``app``; waitress handles slow clients, body limits and keep-alive."""
    server: Any = create_server(app, host=host, port=port, threads=threads, ident="antrian")
    log.warning("booking API listening on http://%s:%s/v1", host, server.effective_port)
    # Under systemd (deploy/antrian-server.service): READY=1 once it answers, WATCHDOG=1 while it does.
    heartbeat = ServerHeartbeat(SystemdNotifier(), health_url(host, int(server.effective_port))).start()
    try:
        server.run()
    finally:
        heartbeat.stop()
        server.close()

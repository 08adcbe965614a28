"""The emulator's HTTP server: a `ThreadingHTTPServer` on 127.0.0.1, in a thread, on a chosen or free port,
serving one platform-shaped API (`ShopifyApi` or `WooCommerceApi`)."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore
from ecrm_desktop.sync.emulator.faults import Faults, Reply
from ecrm_desktop.sync.emulator.shopify_api import Bucket, ShopifyApi
from ecrm_desktop.sync.emulator.woocommerce_api import WooCommerceApi

HOST = "127.0.0.1"
MAX_BODY = 1 << 20


class Api(Protocol):
    faults: Faults

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests and the CLI own the output
        pass

    def _serve(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
        body = self.rfile.read(length) if length else b""
        api = self.server.api
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = api.handle(self.command, self.path, headers, body)
        delay = reply.delay + api.faults.latency
        if delay:
            time.sleep(delay)
        if reply.reset:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body) if reply.length is None else reply.length))
        self.end_headers()
        self.wfile.write(reply.body)
        if reply.length is not None:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, api: Api) -> None:
        self.api = api
        super().__init__((HOST, port), _Handler)


class EmulatorServer:
    """A running emulator; use as a context manager or call `start()`/`stop()`."""

    def __init__(self, api: Api, port: int = 0) -> None:
        self.api = api
        self._server = _Server(port, api)
        self._thread = threading.Thread(target=self._server.serve_forever, name="ecrm-emulator", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> EmulatorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(store: EmulatedStore, platform: Platform, port: int = 0, faults: Faults | None = None,
          bucket: Bucket | None = None) -> EmulatorServer:
    """Start serving `store` through `platform`'s API shape; the caller stops it."""
    if platform is Platform.SHOPIFY:
        api: Api = ShopifyApi(store, faults, bucket)
    elif platform is Platform.WOOCOMMERCE:
        api = WooCommerceApi(store, faults)
    else:
        raise ValueError(f"the emulator does not serve {platform.value} stores")
    return EmulatorServer(api, port).start()

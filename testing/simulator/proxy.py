"""The HTTP proxy that clients reach through ``HTTPS_PROXY``.

It answers ``CONNECT host:443``: for a served host it terminates TLS with the
simulator's certificate and serves HTTP/1.1 (keep-alive) on the tunnel; for
other hosts it refuses. Region network states (refused, hang) act here, before
any TLS, because that is where a real client would see them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import logging
import select
import socket
import socketserver
import ssl
import threading
from typing import Any

from . import answers, protocol, sigv4
from .certs import tls_material
from .endpoints import HostInfo, host_catalog
from .world import World

log = logging.getLogger("testing.simulator")


class ProxyServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """Threaded proxy on 127.0.0.1; one thread per client connection."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a client that opens more
    # connections at once (an organization check's 16 probes, a shared
    # client's pool) would see its connects dropped and retried a second
    # later by the kernel, i.e. a connect timeout no AWS endpoint gives.
    request_queue_size = 128

    def __init__(self, world: World) -> None:
        self.world = world
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ConnectHandler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        # An answer's headers and its body go out in two sends; with Nagle's
        # algorithm the body would wait for the client's delayed ACK of the
        # headers (40 ms on Linux's loopback) on every request, a stall no
        # AWS front end adds (it was half the in-process tests' time).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address

    def track(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(sock)

    def close_all(self) -> None:
        """Shut down every open client socket so that threads blocked in a
        read (keep-alive, hang) end promptly."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _ConnectHandler(http.server.BaseHTTPRequestHandler):
    """Answers CONNECT; anything else is not a proxy request we serve."""

    protocol_version = "HTTP/1.1"
    server: ProxyServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("proxy: " + format, *args)

    def _refuse(self, status: int, reason: str) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def do_CONNECT(self) -> None:  # noqa: N802 - http.server naming
        world = self.server.world
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]").lower()
        world.log_connect(host)
        info = host_catalog().get(host) if port == "443" else None
        if info is None:
            log.warning("proxy: CONNECT to unserved host %s refused", self.path)
            self._refuse(403, "Host not served by the STS simulator")
            return
        state = world.network_state(host)
        if state == "refused":
            self._refuse(502, "Connection refused")
            return
        if state == "hang":
            self._hang()
            return
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        self.close_connection = True
        try:
            tls = tls_material().server_context.wrap_socket(
                self.connection, server_side=True
            )
        except (ssl.SSLError, OSError) as exc:
            log.info("proxy: TLS handshake for %s failed: %s", host, exc)
            return
        # wrap_socket detached the tracked socket: track the one that now
        # holds the connection, so that stop() ends an idle tunnel too.
        self.server.track(tls)
        try:
            # BaseHTTPRequestHandler only stores "server"; a _Tunnel is enough.
            tunnel = _Tunnel(world, info, self.server)
            _ApiHandler(tls, self.client_address, tunnel)  # type: ignore[arg-type]
        except OSError as exc:  # client went away mid-request
            log.debug("proxy: tunnel to %s ended: %s", host, exc)
        finally:
            self.server.untrack(tls)

    def _hang(self) -> None:
        """Accept the CONNECT but never answer, until the client gives up or
        the simulator stops."""
        self.close_connection = True
        sock = self.connection
        while not self.server.stopping.is_set():
            try:
                readable, _, _ = select.select([sock], [], [], 0.2)
                if readable and not sock.recv(4096):
                    return  # the client closed the connection
            except OSError:
                return

    def _not_a_proxy_request(self) -> None:
        self._refuse(403, "Only CONNECT is served")

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _not_a_proxy_request  # noqa: N815


class _Tunnel:
    """What the API handler on a tunnel needs to know (it plays the role of
    ``server`` for BaseHTTPRequestHandler)."""

    def __init__(self, world: World, info: HostInfo, proxy: ProxyServer) -> None:
        self.world = world
        self.info = info
        self.proxy = proxy


class _ApiHandler(http.server.BaseHTTPRequestHandler):
    """Serves the simulated API on a TLS tunnel, several requests per
    connection."""

    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections of in-process clients must not keep
    # threads alive for ever.
    timeout = 60
    server: _Tunnel  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s: " + format, self.server.info.host, *args)

    def _serve(self) -> None:
        tunnel = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        tunnel.world.wait_together(tunnel.info.host)
        latency = tunnel.world.latency(tunnel.info.host)
        if latency > 0 and tunnel.proxy.stopping.wait(latency):
            self.close_connection = True
            return
        path, _, query = self.path.partition("?")
        request = sigv4.HttpRequest(
            method=self.command,
            raw_path=path,
            raw_query=query,
            headers=list(self.headers.items()),
            body=body,
        )
        try:
            response, entry = protocol.handle(tunnel.world, tunnel.info, request)
        except Exception:
            log.exception("simulator failed on %s %s", self.command, self.path)
            response = answers.Response(
                500, [("Content-Type", "text/plain")], b"simulator error"
            )
            entry = None
        if entry is not None:
            tunnel.world.log_request(dataclasses.replace(entry, latency=latency))
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve  # noqa: N815

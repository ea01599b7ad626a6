"""The simulator's proxy: how it holds its client connections (testing/
simulator/proxy.py), which no answer shows."""

from __future__ import annotations

import socket
import ssl

from testing.simulator import Simulator
from testing.simulator.proxy import ProxyServer
from testing.simulator.world import World


def test_the_proxy_sends_each_answer_without_waiting_for_an_ack() -> None:
    # Nagle's algorithm off on every connection the proxy accepts (why:
    # ProxyServer.get_request); accepted here without serving.
    server = ProxyServer(World())
    try:
        with socket.create_connection(
            ("127.0.0.1", server.server_address[1]), timeout=10
        ):
            accepted, _ = server.get_request()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.server_close()


def test_stopping_ends_an_idle_tls_tunnel() -> None:
    # A client's keep-alive tunnel, idle after its TLS handshake, is closed
    # by stop(): the handler's thread would otherwise wait out its 60 s
    # read timeout (the socket wrap_socket left behind was the one tracked).
    simulator = Simulator().start()
    try:
        port = int(simulator.proxy_url.rsplit(":", 1)[1])
        context = ssl.create_default_context(cafile=simulator.ca_bundle)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"CONNECT sts.amazonaws.com:443 HTTP/1.1\r\n\r\n")
            assert raw.recv(64).startswith(b"HTTP/1.1 200")
            with context.wrap_socket(raw, server_hostname="sts.amazonaws.com") as tls:
                simulator.stop()
                try:
                    ended = tls.recv(1) == b""
                except (ssl.SSLError, ConnectionError):
                    ended = True
                assert ended
    finally:
        simulator.stop()

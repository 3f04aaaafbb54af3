"""Bounds on open connections, so that one phone (or one script) cannot take the server down.

Without them, about a thousand idle sockets from one address use up the process's file
descriptors: the server stops answering everyone, and the app in the same process can no longer
open the intake to save. A connection over a bound is closed at once. Idle connections are
closed by aiohttp's keep-alive timeout (``runner.IDLE_SECONDS``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import resource
from collections import Counter
from typing import Any

from aiohttp import web

PER_ADDRESS = 48  # a phone's browser opens at most 6; room for a few phones behind one NAT


def default_total() -> int:
    """Half of the file descriptors left after the app's own needs, at most 1,000."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(32, min(1000, (soft - 128) // 2))


def address_key(peer: Any) -> str:
    """Who a connection comes from: the IPv4 address, or the /64 of an IPv6 address (one
    device can pick any address in its /64)."""
    host = peer[0] if isinstance(peer, tuple) and peer else str(peer)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return str(host)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class ConnectionLimit:
    def __init__(
        self, per_address: int = PER_ADDRESS, total: int | None = None, loopback_free: bool = True
    ) -> None:
        self.per_address = per_address
        self.total = total if total is not None else default_total()
        self.loopback_free = loopback_free  # an HTTPS proxy on this computer forwards everyone
        self.by_address: Counter[str] = Counter()
        self.open: dict[object, str] = {}

    def allows(self, who: str) -> bool:
        if len(self.open) >= self.total:
            return False
        if self.loopback_free and who.startswith(("127.", "::1")):
            return True
        return self.by_address[who] < self.per_address

    def install(self, server: web.Server) -> None:
        """Hook into aiohttp's per-connection bookkeeping of ``server``."""
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler: Any, transport: asyncio.Transport) -> None:
            made(handler, transport)
            who = address_key(transport.get_extra_info("peername"))
            if not self.allows(who):
                transport.abort()  # connection_lost follows; it was never counted
                return
            self.open[handler] = who
            self.by_address[who] += 1

        def connection_lost(handler: Any, exc: BaseException | None = None) -> None:
            who = self.open.pop(handler, None)
            if who is not None:
                self.by_address[who] -= 1
                if not self.by_address[who]:
                    del self.by_address[who]
            lost(handler, exc)

        server.connection_made = connection_made  # type: ignore[method-assign]
        server.connection_lost = connection_lost  # type: ignore[method-assign]

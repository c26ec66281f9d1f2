"""The listener uvicorn serves providers (and the broker's test servers) on: Nagle off.

With Nagle on, a keep-alive answer's body waits for the client's delayed ACK of its headers,
~40 ms per request. asyncio turns Nagle off on each accepted connection only when the
listening socket's proto says TCP, which ``socket.socket(AF_INET, SOCK_STREAM)`` does not.
"""

import asyncio
import socket

from contract_first.verify.live_server import loopback_listener


async def _nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Note(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Note, sock=listener)
    async with server:
        _, writer = await asyncio.open_connection(*listener.getsockname())
        try:
            return await asyncio.wait_for(accepted, timeout=10)
        finally:
            writer.close()


def test_connections_accepted_on_the_listener_have_nagle_off() -> None:
    listener = loopback_listener()

    assert listener.getsockname()[0] == "127.0.0.1"
    assert asyncio.run(_nodelay_of_an_accepted_connection(listener)) != 0, (
        "asyncio left Nagle on: create the listener with proto=IPPROTO_TCP"
    )

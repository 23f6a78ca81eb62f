"""A TCP proxy in front of the tests' PostgreSQL server that can fall silent, as a server does when the
laptop's network drops (rather than the server stopping, which refuses connections at once).

`stall()` ends the connections it carries (the app's pooled connection fails, as one on a dropped link
does once TCP gives up on it) and from then on holds every new connection open without a word, so a
connect waits out its connect timeout; `resume()` forwards again. `connections` counts the connections
made to it.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class StallProxy:
    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.stalled = False
        self.connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, name="stall-proxy", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            with self._lock:
                self.connections += 1
                if self.stalled:
                    self._held.append(client)  # accepted, never answered
                    continue
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _end(sockets: list[socket.socket]) -> None:
        for end in sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        sockets.clear()

    def stall(self) -> None:
        with self._lock:
            self.stalled = True
            self._end(self._open)

    def resume(self) -> None:
        with self._lock:
            self.stalled = False
            self._end(self._held)

    def close(self) -> None:
        self.listener.close()
        with self._lock:
            self._end(self._open)
            self._end(self._held)

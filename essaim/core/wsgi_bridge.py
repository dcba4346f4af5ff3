"""Django's WSGI application served from an ASGI server, with as little in between as possible.

Each request is run in a thread of a small pool (one by default: a process serves one Django request
at a time, as the WSGI workers did); its body is read in full first when small (``SPOOL``), its response
sent in one message when Django made it in one piece (almost every page), else chunk by chunk from the
thread (file downloads). Written for Essaim's serving rather than taken from a2wsgi, which cost
0.55 CPU-ms more per request than the plain WSGI server on the benchmark's bare view, against 0.28 for
this one (bench/README.md). Running Django on the event loop's own thread, with no hop, cost more
still on real pages (10.3 against 7.2 CPU-ms a home page at c=16).
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

SPOOL = 1024 * 1024  # request bodies above this many bytes go to a temporary file
Scope = dict[str, Any]


class WsgiBridge:
    def __init__(self, app: Callable[..., Iterable[bytes]], *, threads: int = 1) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="django")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        body = await _read_body(receive)
        loop = asyncio.get_running_loop()
        environ = _environ(scope, body)
        status, headers, chunks, rest = await loop.run_in_executor(self.executor, self._run, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if rest is None:
            await send({"type": "http.response.body", "body": b"".join(chunks)})
            return
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        iterator = iter(rest)

        def following() -> bytes | None:
            return next(iterator, None)

        try:
            while (piece := await loop.run_in_executor(self.executor, following)) is not None:
                if piece:
                    await send({"type": "http.response.body", "body": piece, "more_body": True})
        finally:
            if hasattr(rest, "close"):
                await loop.run_in_executor(self.executor, rest.close)
        await send({"type": "http.response.body", "body": b""})

    def _run(self, environ: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], list[bytes], Any]:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        result = self.app(environ, start_response)
        if isinstance(result, list | tuple):  # Django's HttpResponse: one piece
            chunks, rest = list(result), None
            if hasattr(result, "close"):
                result.close()
        else:
            chunks, rest = [], result
        status, headers = started
        encoded = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        return int(status[:3]), encoded, chunks, rest


async def _read_body(receive: Any) -> io.BytesIO | Any:
    buffer: Any = io.BytesIO()
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > SPOOL and isinstance(buffer, io.BytesIO):
            spooled = tempfile.SpooledTemporaryFile(max_size=0)  # noqa: SIM115 - closed with the request
            spooled.write(buffer.getvalue())
            buffer = spooled
        buffer.write(chunk)
        more = message.get("more_body", False)
    buffer.seek(0)
    return buffer


def _environ(scope: Scope, body: Any) -> dict[str, Any]:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode().decode("latin-1"),
        "PATH_INFO": scope["path"].encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name in {"CONTENT_TYPE", "CONTENT_LENGTH"}:
            environ[name] = value
            continue
        key = f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ

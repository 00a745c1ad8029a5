"""Local HTTP servers that speak the providers' documented APIs, for contract tests and the benchmark.

`OpenAIServer`: POST /v1/chat/completions (JSON, or SSE chunks with `stream: true`, a usage chunk when
`stream_options.include_usage`, then `data: [DONE]`). `AnthropicServer`: POST /v1/messages (JSON, or the
message_start / content_block_* / message_delta / message_stop event stream). Each answers from a queue of
scripted behaviours (default: a fixed answer) and records the requests it received.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

ANSWER = "Photosynthesis turns light into chemical energy. Plants store it as sugar."
PROMPT_TOKENS = 21
COMPLETION_TOKENS = 14


@dataclass
class Behaviour:
    """What the server does with one request."""

    kind: str = "ok"  # ok | server_error | context_window | malformed | error_mid_stream | unauthorised
    text: str = ANSWER
    prompt_tokens: int = PROMPT_TOKENS
    completion_tokens: int = COMPLETION_TOKENS
    delay_seconds: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Script:
    queue: deque[Behaviour] = field(default_factory=deque)
    default: Behaviour = field(default_factory=Behaviour)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self) -> Behaviour:
        with self.lock:
            return self.queue.popleft() if self.queue else self.default

    def reset(self) -> None:
        with self.lock:
            self.queue.clear()
            self.default = Behaviour()
            self.received.clear()


def _words(text: str) -> list[str]:
    parts = text.split(" ")
    return [part + (" " if index < len(parts) - 1 else "") for index, part in enumerate(parts)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the client's delayed
    # ACK add about 40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    script: ClassVar[Script]
    record: ClassVar[bool] = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}

    def _json(self, status: int, payload: Any, *, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()


class _OpenAIHandler(_Handler):
    def do_POST(self) -> None:
        body = self._body()
        if self.record:
            self.script.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        behaviour = self.script.next()
        if behaviour.delay_seconds:
            time.sleep(behaviour.delay_seconds)
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        model = str(body.get("model", "test-model"))
        if behaviour.kind == "server_error":
            self._json(500, {"error": {"message": "The server had an error", "type": "server_error"}})
        elif behaviour.kind == "unauthorised":
            self._json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
        elif behaviour.kind == "context_window":
            self._json(400, {"error": {
                "message": "This model's maximum context length is 4096 tokens. However, you requested 9000 tokens.",
                "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded",
            }})  # fmt: skip
        elif behaviour.kind == "malformed" and not body.get("stream"):
            self._json(200, None, raw=b'{"id": "chatcmpl-1", "choices": [{"message": ')
        elif body.get("stream"):
            self._stream(body, behaviour, model)
        else:
            self._json(200, {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": behaviour.text},
                             "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": behaviour.prompt_tokens, "completion_tokens": behaviour.completion_tokens,
                          "total_tokens": behaviour.prompt_tokens + behaviour.completion_tokens},
            })  # fmt: skip

    def _stream(self, body: dict[str, Any], behaviour: Behaviour, model: str) -> None:
        self._start_stream()
        words = _words(behaviour.text)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            payload = {
                "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }  # fmt: skip
            return f"data: {json.dumps(payload)}\n\n"

        self._send(chunk({"role": "assistant", "content": ""}))
        if behaviour.kind == "malformed":
            self._send('data: {"id": "chatcmpl-1", "choices": [{"delta": \n\n')
            return
        for index, word in enumerate(words):
            if behaviour.kind == "error_mid_stream" and index == len(words) // 2:
                error = {"error": {"message": "The server is overloaded", "type": "server_error"}}
                self._send(f"data: {json.dumps(error)}\n\n")
                return
            self._send(chunk({"content": word}))
        self._send(chunk({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {
                "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                "choices": [], "usage": {"prompt_tokens": behaviour.prompt_tokens,
                                         "completion_tokens": behaviour.completion_tokens,
                                         "total_tokens": behaviour.prompt_tokens + behaviour.completion_tokens},
            }  # fmt: skip
            self._send(f"data: {json.dumps(usage)}\n\n")
        self._send("data: [DONE]\n\n")


class _AnthropicHandler(_Handler):
    def do_POST(self) -> None:
        body = self._body()
        if self.record:
            self.script.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        behaviour = self.script.next()
        if behaviour.delay_seconds:
            time.sleep(behaviour.delay_seconds)
        if self.path != "/v1/messages":
            self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": "Not found"}})
            return
        model = str(body.get("model", "claude-test"))
        if behaviour.kind == "server_error":
            self._json(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
        elif behaviour.kind == "unauthorised":
            error = {"type": "authentication_error", "message": "invalid x-api-key"}
            self._json(401, {"type": "error", "error": error})
        elif behaviour.kind == "context_window":
            self._json(400, {"type": "error", "error": {
                "type": "invalid_request_error", "message": "prompt is too long: 250000 tokens > 200000 maximum",
            }})  # fmt: skip
        elif behaviour.kind == "malformed" and not body.get("stream"):
            self._json(200, None, raw=b'{"id": "msg_1", "content": [')
        elif body.get("stream"):
            self._stream(behaviour, model)
        else:
            self._json(200, {
                "id": "msg_1", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": behaviour.text}], "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": behaviour.prompt_tokens, "output_tokens": behaviour.completion_tokens},
            })  # fmt: skip

    def _event(self, name: str, payload: dict[str, Any]) -> None:
        self._send(f"event: {name}\ndata: {json.dumps(payload)}\n\n")

    def _stream(self, behaviour: Behaviour, model: str) -> None:
        self._start_stream()
        self._event("message_start", {"type": "message_start", "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": behaviour.prompt_tokens, "output_tokens": 1},
        }})  # fmt: skip
        self._event("content_block_start", {"type": "content_block_start", "index": 0,
                                             "content_block": {"type": "text", "text": ""}})  # fmt: skip
        self._event("ping", {"type": "ping"})
        if behaviour.kind == "malformed":
            self._send('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, \n\n')
            return
        words = _words(behaviour.text)
        for index, word in enumerate(words):
            if behaviour.kind == "error_mid_stream" and index == len(words) // 2:
                self._event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                return
            self._event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                 "delta": {"type": "text_delta", "text": word}})  # fmt: skip
        self._event("content_block_stop", {"type": "content_block_stop", "index": 0})
        self._event("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                      "usage": {"output_tokens": behaviour.completion_tokens}})  # fmt: skip
        self._event("message_stop", {"type": "message_stop"})


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 256  # many clients connect at once (the benchmark)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up (a timeout test) breaks the pipe; that is expected here


class _Server:
    handler: type[_Handler]

    def __init__(self, *, record: bool = True) -> None:
        self.script = Script()
        handler = type(f"{self.handler.__name__}Bound", (self.handler,), {"script": self.script, "record": record})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> _Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class OpenAIServer(_Server):
    handler = _OpenAIHandler

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


class AnthropicServer(_Server):
    handler = _AnthropicHandler

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

"""A small HTTP load driver on the standard library: a cookie-keeping client, form scraping
(the fields a browser would post back), multipart bodies, and a bounded multi-thread run.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"  # the benchmark never talks to anything else
USER_AGENT = "gminabezpieczna-bench/1"
BOUNDARY = "----gminabezpieczna-bench-boundary"


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass(frozen=True)
class Call:
    """One request, fired repeatedly by the load driver; `expect` is the status that counts."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200


class Client:
    """One keep-alive connection (reopened when the server closes it) and a cookie jar."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def send(self, call: Call) -> Response:
        headers = {"User-Agent": USER_AGENT, **call.headers}
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self._connection is None:
            self._connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            self._connection.request(call.method, call.path, body=call.body, headers=headers)
            raw = self._connection.getresponse()
            body = raw.read()
        except (ConnectionError, http.client.HTTPException):
            self.close()
            raise
        if raw.will_close:  # gunicorn's sync workers close after every response
            self.close()
        return Response(raw.status, raw.getheaders(), body)

    def browse(self, call: Call) -> Response:
        """Send and keep the cookies the server sets (logging in, first visits)."""
        response = self.send(call)
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return response

    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def log_in(client: Client, email: str, password: str) -> None:
    """The browser's way in: GET /login for the CSRF token, POST the credentials, keep cookies."""
    page = client.browse(Call("GET", "/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("no csrf_token on /login")
    body = urlencode({"email": email, "password": password, "csrf_token": token.group(1)})
    response = client.browse(Call("POST", "/login", body.encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"}))
    if response.status != 302:
        raise RuntimeError(f"login as {email} answered {response.status}, not 302")


class FormScraper(HTMLParser):
    """The name/value pairs a browser would submit from the form with id `form_id`."""

    TEXTLIKE_SKIP = {"submit", "button", "reset", "image", "file", "radio", "checkbox"}

    def __init__(self, form_id: str | None = None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.files: list[str] = []
        self._select: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        kind = (a.get("type") or "text").lower()
        if tag == "input" and name:
            if kind == "file":
                self.files.append(name)
            elif kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
            elif kind not in self.TEXTLIKE_SKIP:
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            self.fields.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None


def scrape_form(html: str, form_id: str | None = None) -> FormScraper:
    scraper = FormScraper(form_id)
    scraper.feed(html)
    scraper.close()
    return scraper


def multipart(fields: list[tuple[str, str]], files: list[str]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it: every field, empty file inputs too."""
    parts = []
    for name, value in fields:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n")
    for name in files:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                     'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n')
    parts.append(f"--{BOUNDARY}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={BOUNDARY}"


@dataclass(frozen=True)
class Measurement:
    requests: int
    failures: int
    seconds: float
    latencies_ms: tuple[float, ...]
    first_failure: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.p50_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]


def hammer(port: int, call: Call, *, requests: int, threads: int, time_limit_s: float
           ) -> Measurement:
    """Fire `call` `requests` times from `threads` threads; stop early at `time_limit_s`."""
    lock = threading.Lock()
    remaining = [requests]
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + time_limit_s

    def worker() -> None:
        client = Client(port)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                try:
                    response = client.send(call)
                    ok = response.status == call.expect
                    why = f"{response.status}: {response.text[:300]}"
                except (OSError, http.client.HTTPException) as error:
                    ok, why = False, repr(error)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        failures.append(why)
        finally:
            client.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(time_limit_s + 35)
    seconds = time.perf_counter() - started
    return Measurement(len(latencies), len(failures), seconds, tuple(latencies),
                       failures[0] if failures else "")

"""A read-only SPARQL 1.1 Protocol endpoint over one graph, with the HTML view and a query page.

``http://HOST:PORT/sparql`` answers ``GET ?query=…`` and ``POST`` (form-encoded or
``application/sparql-query``), with the result format chosen by the ``Accept`` header (or a
``format``/``output`` parameter): SPARQL results JSON, XML, CSV or TSV for SELECT and ASK, Turtle
or N-Triples for CONSTRUCT and DESCRIBE. Updates are refused (403). ``/`` is an index page,
``/graph.html`` the HTML view of the graph and ``/query`` a small query form.

Queries run in worker processes that each hold the graph in an Oxigraph store. A query that
runs past ``timeout`` seconds is cut off: its worker is killed and replaced, and the client gets
503 with a message. At most ``max_rows`` rows (or triples) are returned; a longer result is cut
and flagged by the header ``X-Result-Truncated: true``. The server binds 127.0.0.1 unless told
otherwise.

From Python::

    server = SparqlServer("out/graph.ttl", port=0)        # port 0: any free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.url + "/sparql")
    ...
    server.shutdown(); server.close()
"""
from __future__ import annotations

import html
import json
import multiprocessing
import queue
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

__all__ = ["ServerConfig", "SparqlServer", "serve", "choose_format"]

MAX_BODY = 1 << 20


@dataclass(frozen=True)
class ServerConfig:
    """What the endpoint serves and its limits."""

    graph: str
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 30.0
    max_rows: int = 10_000
    workers: int = 2
    engine: str = "oxigraph"
    store: str = ""     # an on-disk Oxigraph store holding the graph, queried read-only instead of loading it


# -- worker processes ------------------------------------------------------------------------

def _worker_main(conn, graph_path: str, engine: str, store: str = "") -> None:
    """Load the graph once (or open ``store`` read-only), then answer ``(query, max_rows, select_fmt,
    graph_fmt)`` requests."""
    try:
        from policykg.graph.query import execute, open_graph
        from policykg.graph.results import ResultFormat, format_result
        if store:
            import pyoxigraph as ox
            source = ox.Store.read_only(store)
        else:
            source = open_graph(graph_path, engine)
    except Exception as e:  # report the failure to the parent, which reports it to the user
        conn.send(("error", f"cannot load {store or graph_path}: {e}"))
        return
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        text, max_rows, select_fmt, graph_fmt = request
        try:
            result = execute(source, text, engine=engine, max_rows=max_rows, name="query")
            fmt = ResultFormat(graph_fmt if result.kind == "graph" else select_fmt)
            body = format_result(result, fmt)
            conn.send(("ok", (result.kind, fmt.value, body, result.truncated, len(result))))
        except Exception as e:
            conn.send(("query-error", str(e)))


class _Worker:
    def __init__(self, config: ServerConfig):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, str(config.graph), config.engine, config.store),
                                   daemon=True, name="policykg-sparql-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"the query worker did not load the graph within {timeout:.0f} s")
        status, message = self.conn.recv()
        if status != "ready":
            self.kill()
            raise RuntimeError(message)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Pool:
    """Idle workers in a queue; a worker whose query times out is killed and replaced."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.idle: queue.Queue = queue.Queue()
        self.all: set = set()
        self.lock = threading.Lock()
        self.closed = False
        first = [_Worker(config) for _ in range(max(1, config.workers))]
        for w in first:
            w.wait_ready(600)
            self._add(w)

    def _add(self, w: _Worker) -> None:
        with self.lock:
            if self.closed:
                w.kill()
                return
            self.all.add(w)
        self.idle.put(w)

    def _replace(self, dead: _Worker) -> None:
        with self.lock:
            self.all.discard(dead)
        dead.kill()

        def start():
            try:
                w = _Worker(self.config)
                w.wait_ready(600)
            except Exception as e:  # keep serving with the remaining workers
                print(f"policykg serve: {e}", file=sys.stderr)
                return
            self._add(w)
        threading.Thread(target=start, daemon=True).start()

    def run(self, request: tuple, timeout: float):
        """``(status, payload)``: ``ok``, ``query-error``, ``timeout`` or ``busy``."""
        start = time.monotonic()
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            return "busy", f"every query worker stayed busy for {timeout:g} s; try again later"
        left = max(0.05, timeout - (time.monotonic() - start))
        try:
            w.conn.send(request)
            if not w.conn.poll(left):
                self._replace(w)
                return "timeout", (f"query cancelled: it ran longer than the {self.config.timeout:g} s limit "
                                   f"(policykg serve --timeout)")
            status, payload = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(w)
            return "timeout", "query worker stopped; it has been restarted"
        self.idle.put(w)
        return status, payload

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.all)
            self.all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.kill()


# -- content negotiation ---------------------------------------------------------------------

_SELECT_TYPES = {"application/sparql-results+json": "json", "application/json": "json",
                 "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
                 "text/csv": "csv", "text/tab-separated-values": "tsv", "text/plain": "table"}
_GRAPH_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "ntriples",
                "text/plain": "ntriples"}
_FORMAT_PARAM = {"json": ("json", None), "xml": ("xml", None), "csv": ("csv", None), "tsv": ("tsv", None),
                 "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n-triples": (None, "ntriples"),
                 "ntriples": (None, "ntriples"), "nt": (None, "ntriples"), "text": ("table", "ntriples")}


def _accept(header: str) -> list[tuple[str, float]]:
    out = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, -i))
    out.sort(key=lambda t: (-t[1], -t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def choose_format(accept: str | None, fmt_param: str | None = None) -> tuple[str, str]:
    """``(select format, graph format)`` for an ``Accept`` header and a ``format``/``output``
    parameter; the defaults (JSON, Turtle) when the header names nothing policykg writes.

    >>> choose_format("application/sparql-results+json")
    ('json', 'turtle')
    >>> choose_format("text/csv;q=0.5, application/sparql-results+xml")
    ('xml', 'turtle')
    >>> choose_format("text/turtle, text/tab-separated-values;q=0.9")
    ('tsv', 'turtle')
    >>> choose_format(None, "csv")
    ('csv', 'turtle')
    """
    select, graph = "json", "turtle"
    if fmt_param:
        key = fmt_param.strip().lower()
        if key in _FORMAT_PARAM:
            s, g = _FORMAT_PARAM[key]
            return s or select, g or graph
        accept = key
    if not accept:
        return select, graph
    prefs = _accept(accept)
    if not prefs:
        return select, graph

    wild_select = {"*/*": select, "application/*": "json", "text/*": "csv"}
    wild_graph = {"*/*": graph, "application/*": "ntriples", "text/*": "turtle"}

    def pick(table, wild):
        for media, _q in prefs:
            if media in table:
                return table[media]
            if media in wild:
                return wild[media]
        return None

    return pick(_SELECT_TYPES, wild_select) or select, pick(_GRAPH_TYPES, wild_graph) or graph


# -- HTTP ------------------------------------------------------------------------------------

_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
          "csv": "text/csv", "tsv": "text/tab-separated-values", "table": "text/plain",
          "turtle": "text/turtle", "ntriples": "application/n-triples"}

_PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'">
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:1.5em;max-width:72em}}
textarea{{width:100%;height:14em;font-family:monospace}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}} .err{{color:#a00;white-space:pre-wrap}}
</style></head><body>{body}</body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    server: "SparqlServer"
    protocol_version = "HTTP/1.1"
    server_version = "policykg"

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.verbose:
            super().log_message(fmt, *args)

    # responses
    def _send(self, status: int, body: str | bytes, media: str, extra: dict | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith(("text/", "application/sparql"))
                         or media.endswith("json") else media)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, message.rstrip("\n") + "\n", "text/plain")

    # request parsing
    def _params(self) -> dict | None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        self._body_query = None
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._error(413, f"request body larger than {MAX_BODY} bytes")
                return None
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if ctype == "application/sparql-update":
                self._error(403, "this endpoint is read-only: SPARQL Update is refused")
                return None
            if ctype == "application/sparql-query":
                self._body_query = body
            elif ctype in ("application/x-www-form-urlencoded", ""):
                for k, v in parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            else:
                self._error(415, f"unsupported Content-Type {ctype!r}: use application/x-www-form-urlencoded "
                                 "or application/sparql-query")
                return None
        return params

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self._route()

    def do_POST(self):
        self._route()

    def _route(self):
        path = urlsplit(self.path).path
        try:
            if path == "/sparql":
                return self._sparql()
            if path in ("/", "/index.html"):
                return self._index()
            if path == "/query":
                return self._query_page()
            if path in ("/graph.html", "/view"):
                return self._view()
            self._error(404, f"no page {path}; see /")
        except BrokenPipeError:
            pass

    def _sparql(self):
        params = self._params()
        if params is None:
            return
        if "update" in params:
            return self._error(403, "this endpoint is read-only: SPARQL Update is refused")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._error(400, "this endpoint serves one graph: default-graph-uri and named-graph-uri "
                                    "are not supported")
        text = self._body_query if self._body_query is not None else (params.get("query") or [None])[0]
        if not text:
            return self._error(400, "no query: give ?query=… (GET) or a form field query=… (POST)")
        fmt_param = (params.get("format") or params.get("output") or [None])[0]
        select_fmt, graph_fmt = choose_format(self.headers.get("Accept"), fmt_param)
        from .query import is_update
        if is_update(text):
            return self._error(403, "this endpoint is read-only: SPARQL Update is refused")
        status, payload = self.server.run_query(text, select_fmt, graph_fmt)
        if status != "ok":
            return self._error({"query-error": 400, "timeout": 503, "busy": 503}.get(status, 500), payload)
        kind, fmt, body, truncated, n = payload
        extra = {} if kind == "ask" else {"X-Result-Rows": str(n)}
        if truncated:
            extra["X-Result-Truncated"] = "true"
            extra["X-Result-Limit"] = str(self.server.config.max_rows)
        self._send(200, body, _MEDIA[fmt], extra)

    def _index(self):
        from .query_library import list_queries
        items = "".join(f'<li><a href="/query?name={html.escape(q.name)}">{html.escape(q.name)}</a> — '
                        f"{html.escape(q.zh)} / {html.escape(q.en)}</li>" for q in list_queries())
        body = (f"<h1>policykg</h1><p>{html.escape(Path(self.server.config.graph).name)}</p><ul>"
                '<li><a href="/graph.html">图谱视图 / graph view</a></li>'
                '<li><a href="/query">查询 / query page</a></li>'
                "<li>SPARQL 1.1 endpoint: <code>/sparql</code></li></ul>"
                f"<h2>命名查询 / named queries</h2><ul>{items}</ul>")
        self._send(200, _PAGE.format(title="policykg", body=body), "text/html")

    def _query_page(self):
        params = self._params()
        if params is None:
            return
        text = (params.get("query") or [""])[0]
        name = (params.get("name") or [""])[0]
        if not text and name:
            from .query_library import named_query
            try:
                text = named_query(name).render({})
            except Exception as e:
                text = f"# {e}"
        if not text:
            text = "SELECT ?date ?place ?name WHERE {\n  ?m a pk:Meeting ; rdfs:label ?name .\n" \
                   "  OPTIONAL { ?m pk:date ?date }\n  OPTIONAL { ?m pk:heldIn/rdfs:label ?place }\n}\n" \
                   "ORDER BY ?date LIMIT 50\n"
        out = ""
        if params.get("query"):
            status, payload = self.server.run_query(text, "json", "ntriples")
            if status != "ok":
                out = f'<p class="err">{html.escape(str(payload))}</p>'
            else:
                out = _html_result(*payload, limit=self.server.config.max_rows)
        body = ('<h1><a href="/">policykg</a> · 查询 / query</h1>'
                '<form method="post" action="/query"><textarea name="query">'
                f"{html.escape(text)}</textarea><p><button type=\"submit\">运行 / run</button> "
                "前缀 pk: pkm: pkl: rdfs: xsd: … 已预先声明 / prefixes are predeclared</p></form>" + out)
        self._send(200, _PAGE.format(title="policykg query", body=body), "text/html")

    def _view(self):
        page = self.server.view_page()
        if page is None:
            return self._error(404, "no HTML view: graph.html is not beside the graph and the view module "
                                    "is not available")
        self._send(200, page, "text/html")


def _html_result(kind, fmt, body, truncated, n, *, limit) -> str:
    if kind == "graph":
        return f"<p>{n} triples</p><pre>{html.escape(body)}</pre>"
    data = json.loads(body)
    if "boolean" in data:
        return f"<p>ASK: <b>{'true' if data['boolean'] else 'false'}</b></p>"
    cols = data["head"]["vars"]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    rows = []
    for b in data["results"]["bindings"]:
        cells = []
        for c in cols:
            v = b.get(c)
            cells.append("<td></td>" if v is None else f"<td>{html.escape(v['value'])}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = f" (cut at {limit})" if truncated else ""
    return f"<p>{n} rows{note}</p><table><tr>{head}</tr>{''.join(rows)}</table>"


class SparqlServer(ThreadingHTTPServer):
    """The endpoint; ``serve_forever()`` to run, ``close()`` to stop it and its workers.

    ``port=0`` picks a free port (see ``url``).
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, graph, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0,
                 max_rows: int = 10_000, workers: int = 2, engine: str = "oxigraph", verbose: bool = False,
                 store: str = ""):
        from .query import graph_file
        path = graph_file(graph)
        self.config = ServerConfig(str(path), host, port, float(timeout), int(max_rows), int(workers), engine,
                                   str(store or ""))
        self.verbose = verbose
        self._view = None
        self._view_lock = threading.Lock()
        self.pool = _Pool(self.config)
        try:
            super().__init__((host, port), _Handler)
        except OSError:
            self.pool.close()
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def run_query(self, text: str, select_fmt: str, graph_fmt: str):
        return self.pool.run((text, self.config.max_rows, select_fmt, graph_fmt), self.config.timeout)

    def view_page(self) -> str | None:
        with self._view_lock:
            if self._view is None:
                path = Path(self.config.graph)
                beside = path.with_name("graph.html")
                if beside.is_file():
                    self._view = beside.read_text(encoding="utf-8")
                else:
                    try:
                        from .html_view import to_html
                    except ImportError:
                        return None
                    from .io import load_graph
                    self._view = to_html(load_graph(path))
            return self._view

    def close(self) -> None:
        """Stop serving (if running) and end the worker processes."""
        self.server_close()
        self.pool.close()


def serve(graph, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0, max_rows: int = 10_000,
          workers: int = 2, verbose: bool = False, ready=None, store: str = "") -> None:
    """Run the endpoint until interrupted. ``ready(server)`` is called once it listens. ``store``: an
    on-disk Oxigraph store holding the graph, which the workers query read-only instead of loading it."""
    server = SparqlServer(graph, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                          verbose=verbose, store=store)
    try:
        if ready:
            ready(server)
        server.serve_forever()
    finally:
        server.close()

"""The SPARQL endpoint, through real HTTP from real clients (httpx, SPARQLWrapper)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time

import httpx
import pytest
from rdflib import Graph

from policykg.graph.query import execute
from policykg.graph.server import SparqlServer

from conftest import shared_path
from devgraph import json_rows

CLI = [sys.executable, "-m", "policykg.cli"]
SELECT = ("SELECT ?m ?name ?date WHERE { ?m a pk:Meeting ; rdfs:label ?name . OPTIONAL { ?m pk:date ?date } } "
          "ORDER BY ?m ?name")
# a query that runs for minutes: every pair of mentions times every document
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a pk:Mention . ?b a pk:Mention . ?c ?p ?o }"


@pytest.fixture(scope="module")
def dev():
    shared_path("eval", "dev", "texts")
    from devgraph import dev_build
    return dev_build()


class Running:
    def __init__(self, graph, **kw):
        self.server = SparqlServer(graph, port=0, **kw)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = self.server.url

    def stop(self):
        self.server.shutdown()
        self.server.close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def endpoint(dev):
    running = Running(dev[1], timeout=3, max_rows=1000, workers=2)
    yield running
    running.stop()


def rows_of(doc: dict) -> list[tuple]:
    return json_rows(doc)[1]


def test_select_over_http_gives_the_rows_of_policykg_query(dev, endpoint):
    r = httpx.get(endpoint.url + "/sparql", params={"query": SELECT},
                  headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    over_http = rows_of(r.json())
    cli = subprocess.run([*CLI, "query", str(dev[1]), SELECT, "--format", "json"], capture_output=True, text=True,
                         timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert over_http == rows_of(json.loads(cli.stdout))
    assert over_http == execute(dev[0].graph, SELECT).canonical()
    assert int(r.headers["x-result-rows"]) == len(over_http)


def test_post_form_and_direct_query_body(endpoint):
    a = httpx.post(endpoint.url + "/sparql", data={"query": SELECT}, headers={"Accept": "application/json"})
    b = httpx.post(endpoint.url + "/sparql", content=SELECT.encode("utf-8"),
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert a.status_code == b.status_code == 200
    assert rows_of(a.json()) == rows_of(b.json())


def test_sparqlwrapper_client(dev, endpoint):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper, TURTLE
    client = SPARQLWrapper(endpoint.url + "/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    assert rows_of(client.query().convert()) == execute(dev[0].graph, SELECT).canonical()
    client.setMethod(POST)
    client.setQuery("ASK { ?m pk:follows ?n }")
    assert client.query().convert()["boolean"] is True
    client.setQuery("CONSTRUCT { ?m pk:follows ?n } WHERE { ?m pk:follows ?n }")
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    g = Graph().parse(data=data.decode("utf-8") if isinstance(data, bytes) else data, format="turtle")
    assert len(g) == len(execute(dev[0].graph, "SELECT * WHERE { ?m pk:follows ?n }"))


@pytest.mark.parametrize("accept, media, check", [
    ("text/csv", "text/csv", lambda t: t.startswith("m,name,date\r\n")),
    ("text/tab-separated-values", "text/tab-separated-values", lambda t: t.startswith("?m\t?name\t?date\n")),
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda t: "<sparql" in t),
    ("text/html, */*;q=0.1", "application/sparql-results+json", lambda t: json.loads(t)["head"]),
])
def test_content_negotiation(endpoint, accept, media, check):
    r = httpx.get(endpoint.url + "/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    assert check(r.text)


def test_graph_results_as_turtle_or_ntriples(endpoint):
    q = "CONSTRUCT { ?m pk:heldIn ?l } WHERE { ?m pk:heldIn ?l }"
    t = httpx.get(endpoint.url + "/sparql", params={"query": q}, headers={"Accept": "text/turtle"})
    n = httpx.get(endpoint.url + "/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
    assert t.headers["content-type"].startswith("text/turtle") and n.headers["content-type"].startswith(
        "application/n-triples")
    a, b = Graph().parse(data=t.text, format="turtle"), Graph().parse(data=n.text, format="nt")
    assert len(a) == len(b) > 0


def test_updates_are_refused(dev, endpoint):
    update = 'INSERT DATA { <https://example.org/a> <https://example.org/b> "c" }'
    for r in (httpx.post(endpoint.url + "/sparql", content=update.encode(),
                         headers={"Content-Type": "application/sparql-update"}),
              httpx.post(endpoint.url + "/sparql", data={"update": update}),
              httpx.get(endpoint.url + "/sparql", params={"query": update})):
        assert r.status_code == 403 and "read-only" in r.text
    count = httpx.get(endpoint.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) == len(dev[0].graph)


def test_bad_requests(endpoint):
    r = httpx.get(endpoint.url + "/sparql", params={"query": "SELECT ?x WHERE {\n ?x a pk:Meeting .\n FILTER(?x = ) }"})
    assert r.status_code == 400 and "query:3: column 2: SPARQL syntax error" in r.text
    assert httpx.get(endpoint.url + "/sparql").status_code == 400
    r = httpx.post(endpoint.url + "/sparql", content=b"x", headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 415
    assert httpx.get(endpoint.url + "/nowhere").status_code == 404


def test_a_query_past_the_timeout_is_cut_off(endpoint):
    start = time.monotonic()
    r = httpx.post(endpoint.url + "/sparql", data={"query": SLOW}, timeout=60)
    elapsed = time.monotonic() - start
    assert r.status_code == 503 and "ran longer than the 3 s limit" in r.text
    assert elapsed < 30
    # the endpoint keeps answering: the other worker at once, the killed one once replaced
    for _ in range(3):
        ok = httpx.get(endpoint.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
        assert ok.status_code == 200 and ok.json()["boolean"] is True


def test_result_size_is_limited(dev):
    small = Running(dev[1], max_rows=5, workers=1)
    try:
        r = httpx.get(small.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5
        assert r.headers["x-result-truncated"] == "true" and r.headers["x-result-limit"] == "5"
        r = httpx.get(small.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert "x-result-truncated" not in r.headers
    finally:
        small.stop()


def test_pages_beside_the_endpoint(dev, endpoint):
    index = httpx.get(endpoint.url + "/")
    assert index.status_code == 200 and "/sparql" in index.text and "meetings" in index.text
    import importlib.util
    view = httpx.get(endpoint.url + "/graph.html", timeout=120)
    if importlib.util.find_spec("policykg.graph.html_view") is None:
        assert view.status_code == 404
    else:
        assert view.status_code == 200
        assert view.headers["content-type"].startswith("text/html") and "<html" in view.text.lower()
    page = httpx.get(endpoint.url + "/query", params={"name": "persons"})
    assert page.status_code == 200 and "?person a pk:Person" in page.text.replace("&lt;", "<")
    evil = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'
    page = httpx.post(endpoint.url + "/query", data={"query": evil})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert "default-src 'none'" in page.text


def test_command_listens_on_loopback_only_by_default(dev):
    import psutil
    proc = subprocess.Popen([*CLI, "serve", str(dev[1]), "--port", "0", "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"at (http://([\d.]+):(\d+))/sparql", line)
        assert m, line
        url, host, port = m.group(1), m.group(2), int(m.group(3))
        assert host == "127.0.0.1"
        assert httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        me = psutil.Process(proc.pid)
        listening = [c for p in [me, *me.children(recursive=True)] for c in p.net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening and all(c.laddr.ip in ("127.0.0.1", "::1") for c in listening)
    finally:
        proc.terminate()
        proc.wait(30)

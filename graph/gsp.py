"""A client of the SPARQL 1.1 Graph Store HTTP Protocol: replace, add to and drop named graphs on a server.

Only the standard library: ``urllib`` with HTTP Basic or Digest authentication, whichever
the server asks for (Virtuoso's ``/sparql-graph-crud-auth`` asks for Digest, Fuseki and
GraphDB for Basic). Graphs travel as N-Triples (``application/n-triples``).

>>> GraphStore("http://127.0.0.1:8890/sparql-graph-crud-auth").url_for("https://w3id.org/policykg/id/graph/ab")
'http://127.0.0.1:8890/sparql-graph-crud-auth?graph=https%3A%2F%2Fw3id.org%2Fpolicykg%2Fid%2Fgraph%2Fab'
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from ..extract.errors import PolicyKGError

__all__ = ["GraphStore", "GraphStoreError", "NTRIPLES"]

NTRIPLES = "application/n-triples"


class GraphStoreError(PolicyKGError):
    """A request to a graph store failed."""


class GraphStore:
    """One Graph Store Protocol endpoint (``http://host:port/path``)."""

    def __init__(self, endpoint: str, *, user: str | None = None, password: str | None = None,
                 timeout: float = 300.0):
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GraphStoreError(f"not an http(s) URL: {endpoint!r}")
        self.endpoint = endpoint
        self.timeout = timeout
        handlers = []
        if user is not None:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, endpoint, user, password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
        self.opener = urllib.request.build_opener(*handlers)

    def url_for(self, graph: str | None) -> str:
        sep = "&" if "?" in self.endpoint else "?"
        if graph is None:
            return f"{self.endpoint}{sep}default"
        return f"{self.endpoint}{sep}graph={urllib.parse.quote(graph, safe='')}"

    def _send(self, method: str, graph: str | None, body: bytes | None = None) -> int:
        req = urllib.request.Request(self.url_for(graph), data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", f"{NTRIPLES}; charset=utf-8")
        try:
            with self.opener.open(req, timeout=self.timeout) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            if method == "DELETE" and e.code == 404:
                return 404
            detail = e.read()[:300].decode("utf-8", "replace").strip()
            raise GraphStoreError(f"{method} {graph or 'default graph'}: HTTP {e.code} {e.reason}"
                                  + (f": {detail}" if detail else ""), source=self.endpoint) from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise GraphStoreError(f"{method} {graph or 'default graph'}: {reason}", source=self.endpoint) from e

    def put(self, graph: str | None, ntriples: bytes) -> int:
        """Replace the graph's content (HTTP PUT)."""
        return self._send("PUT", graph, ntriples)

    def post(self, graph: str | None, ntriples: bytes) -> int:
        """Add triples to the graph (HTTP POST)."""
        return self._send("POST", graph, ntriples)

    def delete(self, graph: str | None) -> int:
        """Drop the graph (HTTP DELETE); a graph that does not exist is no error."""
        return self._send("DELETE", graph)

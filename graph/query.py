"""SPARQL over a policykg graph, with the ontology's prefixes predeclared, through Oxigraph or rdflib.

:func:`execute` runs a query and returns a :class:`~policykg.graph.results.QueryResult` (the same
rows whichever engine ran it). The default engine is Oxigraph (``pyoxigraph``), many times faster
than rdflib's own SPARQL engine on large graphs; ``engine="rdflib"`` runs rdflib's.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF, RDFS
>>> g = Graph()
>>> m = URIRef("https://w3id.org/policykg/id/meeting/370983-20210301-e302477dc315")
>>> _ = g.add((m, RDF.type, URIRef("https://w3id.org/policykg#Meeting")))
>>> _ = g.add((m, RDFS.label, Literal("政法队伍教育整顿动员部署会议", lang="zh")))
>>> r = execute(g, "SELECT ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label }")
>>> [str(row.label) for row in r]
['政法队伍教育整顿动员部署会议']
>>> execute(g, "SELECT ?label WHERE { ?m a pk:Meeting ; rdfs:label ?label }", engine="rdflib") == r
True

Syntax errors raise :class:`~policykg.errors.QueryError` with the line and column:

>>> execute(g, "SELECT ?x WHERE {\\n  ?x a pk:Meeting .\\nFILTER(?x = ) }")
Traceback (most recent call last):
...
policykg.extract.errors.QueryError: query:3: column 1: SPARQL syntax error: unexpected 'FILTER'
    FILTER(?x = ) }
    ^
"""
from __future__ import annotations

import enum
import re
from pathlib import Path

from ..extract.errors import InputError, InputNotFound, QueryError
from ..ontology.namespace import PREFIXES

__all__ = ["Engine", "prologue", "prefixes", "run_query", "execute", "open_graph", "graph_file",
           "check_query", "is_update", "undeclared_prefix"]

EXTRA = {"owl": "http://www.w3.org/2002/07/owl#", "sh": "http://www.w3.org/ns/shacl#",
         "org": "http://www.w3.org/ns/org#",
         "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"}


class Engine(str, enum.Enum):
    """Which SPARQL engine runs a query."""

    OXIGRAPH = "oxigraph"
    RDFLIB = "rdflib"


def prefixes() -> dict[str, str]:
    """Every prefix a query may use without declaring it."""
    names = dict(PREFIXES)
    for k, v in EXTRA.items():
        names.setdefault(k, v)
    return names


def prologue() -> str:
    """PREFIX lines for every namespace policykg uses."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes().items())


def run_query(graph, sparql: str):
    """Run a SPARQL query with rdflib and return rdflib's result object.

    Syntax errors raise :class:`QueryError` with their position. :func:`execute` is the
    engine-independent form.
    """
    return graph.query(_prepare_rdflib(sparql, "query"))


_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*)*"
                     r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_PNAME = re.compile(r"(?<![\w?$:.\-@])([A-Za-z][\w\-]*(?:\.[\w\-]+)*)?:(?=[^\s/])")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w\-.]*)?:", re.I)


def _blank_out(sparql: str) -> str:
    """The text with strings, IRIs and comments replaced by spaces (positions kept)."""
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), sparql)


def is_update(sparql: str) -> bool:
    """Whether the text is a SPARQL Update request (which policykg never runs).

    >>> is_update("PREFIX pk: <https://w3id.org/policykg#> INSERT DATA { pk:a pk:b pk:c }")
    True
    >>> is_update("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    return bool(_UPDATE.match(_blank_out(sparql)))


def undeclared_prefix(sparql: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is neither declared nor predeclared, as
    ``(prefix, line, column)``, or ``None``.

    >>> undeclared_prefix("SELECT ?x WHERE {\\n  ?x a foo:Meeting }")
    ('foo', 2, 8)
    """
    text = _blank_out(sparql)
    known = set(prefixes()) | {m.group(1) or "" for m in _DECLARED.finditer(text)}
    for m in _PNAME.finditer(text):
        name = m.group(1) or ""
        if name not in known:
            before = text[: m.start()]
            return name, before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1
    return None


def _excerpt(sparql: str, line: int, col: int) -> str:
    lines = sparql.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    from .results import _width
    pad = _width(text[: max(col - 1, 0)])
    return f"\n    {text}\n    {' ' * pad}^"


def _syntax_error(sparql: str, source: str, message: str, line: int | None, col: int | None) -> QueryError:
    message = re.sub(r"\s+", " ", message).strip()
    if len(message) > 240:
        message = message[:239] + "…"
    where = f"column {col}: " if col else ""
    excerpt = _excerpt(sparql, line, col or 1) if line else ""
    return QueryError(f"{where}SPARQL syntax error: {message}{excerpt}", source=source, line=line)


def _pyparsing_error(sparql: str, source: str, e: Exception) -> QueryError:
    """A readable error from rdflib's parser: what was found where (line and column)."""
    msg = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)", "", str(e))
    m = re.match(r"Expected .*?, found (.*)$", msg)
    if m:
        found = m.group(1).strip()
        msg = "unexpected end of query" if found == "end of text" else f"unexpected {found}"
    return _syntax_error(sparql, source, msg, getattr(e, "lineno", None), getattr(e, "col", None))


def _rdflib_parse(sparql: str, source: str):
    from rdflib.plugins.sparql import parser
    try:
        return parser.parseQuery(sparql)
    except Exception as e:
        raise _pyparsing_error(sparql, source, e) from e


def _prepare_rdflib(sparql: str, source: str):
    from rdflib.plugins.sparql import prepareQuery
    _rdflib_parse(sparql, source)
    try:
        return prepareQuery(sparql, initNs=prefixes())
    except Exception as e:
        raise _syntax_error(sparql, source, str(e), None, None) from e


def _oxigraph_error(sparql: str, source: str, e: Exception) -> QueryError:
    """Oxigraph's error; the position and wording of rdflib's parser when it too rejects the text."""
    try:
        _rdflib_parse(sparql, source)
    except QueryError as mine:
        return mine
    msg = str(e)
    m = re.match(r"error at (\d+):(\d+):\s*(.*)", msg, re.S)
    line = col = None
    if m:
        line, col, msg = int(m.group(1)), int(m.group(2)), m.group(3)
    msg = re.sub(r",?\s*\[[^\[\]]*?(?:\.\.=|\|)[^\[\]]*\]", "", msg)
    msg = re.sub(r",?\s*\[_\]", "", msg)
    return _syntax_error(sparql, source, msg, line, col)


def _check_prefixes(sparql: str, source: str) -> None:
    found = undeclared_prefix(sparql)
    if found:
        name, line, col = found
        raise _syntax_error(sparql, source, f"unknown prefix {name}: (declare it with PREFIX {name}: <…>)",
                            line, col)


def check_query(sparql: str, *, source: str = "query") -> str:
    """Parse a query without running it; return its form (``select``, ``ask``, ``construct``,
    ``describe``) or raise :class:`QueryError` with the position of the first syntax error.

    >>> check_query("ASK { ?s pk:follows ?o }")
    'ask'
    """
    if is_update(sparql):
        raise QueryError("SPARQL Update is not accepted: queries are read-only", source=source)
    _check_prefixes(sparql, source)
    parsed = _rdflib_parse(sparql, source)
    name = parsed[1].name
    return {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct",
            "DescribeQuery": "describe"}.get(name, name.lower())


def graph_file(path) -> Path:
    """The graph file for ``path``: the file itself, or ``graph.ttl`` (or another ``graph.*``) in a
    build output directory."""
    p = Path(path)
    if p.is_dir():
        for name in ("graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld", "graph.rdf"):
            if (p / name).is_file():
                return p / name
        raise InputNotFound("no graph.ttl (or other graph.* file) in this directory", source=str(p))
    if not p.exists():
        raise InputNotFound("no such graph file", source=str(p))
    return p


def open_graph(path, engine: Engine | str = Engine.OXIGRAPH):
    """Load a graph file (or a build directory's graph) for ``engine``: a pyoxigraph store or an
    rdflib graph."""
    p = graph_file(path)
    if Engine(engine) is Engine.OXIGRAPH:
        from .store import load_store
        return load_store(p)
    from .io import load_graph
    try:
        return load_graph(p)
    except ValueError as e:
        raise InputError(str(e), source=str(p)) from e


def _is_store(obj) -> bool:
    return type(obj).__name__ == "Store" and type(obj).__module__.startswith("pyoxigraph")


def execute(source, sparql: str, *, engine: Engine | str | None = None, max_rows: int | None = None,
            name: str = "query"):
    """Run ``sparql`` over ``source`` and return a :class:`~policykg.graph.results.QueryResult`.

    ``source`` is an rdflib graph, a :class:`pyoxigraph.Store`, or the path of a graph file or
    build directory. ``engine`` defaults to Oxigraph (rdflib graphs are copied into a store for
    the query); a pyoxigraph store is always queried with Oxigraph. ``max_rows`` cuts a long
    result short and sets ``truncated``. ``name`` names the query in error messages (a file name).
    """
    from .results import QueryResult
    if is_update(sparql):
        raise QueryError("SPARQL Update is not accepted: queries are read-only", source=name)
    _check_prefixes(sparql, name)
    if isinstance(source, (str, Path)):
        source = open_graph(source, engine or Engine.OXIGRAPH)
    if _is_store(source):
        engine = Engine.OXIGRAPH
    engine = Engine(engine or Engine.OXIGRAPH)
    if engine is Engine.OXIGRAPH:
        if not _is_store(source):
            from .store import to_store
            source = to_store(source)
        return _execute_oxigraph(source, sparql, max_rows, name)
    return _execute_rdflib(source, sparql, max_rows, name)


def _take(iterable, max_rows):
    rows, truncated = [], False
    for r in iterable:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append(r)
    return rows, truncated


def _execute_oxigraph(store, sparql: str, max_rows, name: str):
    import pyoxigraph as ox

    from .results import QueryResult
    from .store import from_oxigraph as conv
    try:
        res = store.query(sparql, prefixes=prefixes(), use_default_graph_as_union=True)
    except SyntaxError as e:
        raise _oxigraph_error(sparql, name, e) from e
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"query failed: {e}", source=name) from e
    try:
        if isinstance(res, ox.QueryBoolean):
            return QueryResult.ask(bool(res), engine="oxigraph")
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            n = len(variables)
            rows, truncated = _take((tuple(conv(sol[i]) for i in range(n)) for sol in res), max_rows)
            return QueryResult.select(variables, rows, truncated=truncated, engine="oxigraph")
        triples, truncated = _take(((conv(t.subject), conv(t.predicate), conv(t.object)) for t in res),
                                   max_rows)
        return QueryResult.graph_result(triples, truncated=truncated, engine="oxigraph")
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"query failed: {e}", source=name) from e


def _execute_rdflib(graph, sparql: str, max_rows, name: str):
    from .results import QueryResult
    q = _prepare_rdflib(sparql, name)
    try:
        res = graph.query(q)
        if res.type == "ASK":
            return QueryResult.ask(bool(res.askAnswer), engine="rdflib")
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars]
            rows, truncated = _take((tuple(r) for r in res), max_rows)
            return QueryResult.select(variables, rows, truncated=truncated, engine="rdflib")
        triples, truncated = _take(iter(res.graph), max_rows)
        return QueryResult.graph_result(triples, truncated=truncated, engine="rdflib")
    except QueryError:
        raise
    except Exception as e:  # rdflib raises many kinds of errors while evaluating
        raise QueryError(f"query failed: {type(e).__name__}: {e}", source=name) from e

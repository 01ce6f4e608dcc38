r"""Query results in one form whatever the engine, and their standard serialisations.

A :class:`QueryResult` holds rdflib terms: rows of a SELECT, the answer of an ASK, or the
triples of a CONSTRUCT/DESCRIBE. It is written as a terminal table, as SPARQL 1.1 Query Results
JSON, XML, CSV or TSV, and (for graphs) as Turtle or N-Triples, always the same bytes for the
same rows.

>>> from rdflib import Literal, URIRef
>>> r = QueryResult.select(["place", "n"], [(Literal("肥城市", lang="zh"), Literal(3))])
>>> [row.place for row in r]
[rdflib.term.Literal('肥城市', lang='zh')]
>>> to_csv(r)
'place,n\r\n肥城市,3\r\n'
>>> print(to_table(r))
place   n
──────  ─
肥城市  3
"""
from __future__ import annotations

import enum
import json
import unicodedata
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["QueryResult", "Row", "ResultFormat", "format_result", "to_table", "to_csv", "to_tsv",
           "to_json", "to_xml", "to_graph_text", "term_key"]


class Row(tuple):
    """One solution: a tuple of terms (``None`` when unbound), also readable by variable name:
    ``row.place``, ``row["place"]``, ``row.get("place")``, ``row.asdict()``."""

    __slots__ = ()
    vars: tuple = ()
    _index: dict = {}

    def __getattr__(self, name):
        try:
            return tuple.__getitem__(self, self._index[name])
        except KeyError:
            raise AttributeError(f"no variable ?{name} in this result") from None

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def get(self, name, default=None):
        i = self._index.get(name)
        v = None if i is None else tuple.__getitem__(self, i)
        return default if v is None else v

    def asdict(self) -> dict:
        return {v: t for v, t in zip(self.vars, self) if t is not None}


def _row_class(variables: tuple) -> type:
    return type("Row", (Row,), {"__slots__": (), "vars": variables,
                                "_index": {v: i for i, v in enumerate(variables)}})


@dataclass(frozen=True)
class QueryResult:
    """What a query returned: ``kind`` is ``"select"``, ``"ask"`` or ``"graph"``.

    Iterating gives the rows (select) or the triples (graph); ``len()`` counts them.
    ``truncated`` is true when a row limit cut the result short.
    """

    kind: str
    variables: tuple = ()
    rows: tuple = ()
    boolean: bool | None = None
    triples: tuple = ()
    truncated: bool = False
    engine: str = field(default="", compare=False)
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def select(cls, variables, rows, **kw) -> "QueryResult":
        variables = tuple(str(v) for v in variables)
        row = _row_class(variables)
        return cls("select", variables, tuple(row(r) for r in rows), **kw)

    @classmethod
    def ask(cls, answer: bool, **kw) -> "QueryResult":
        return cls("ask", boolean=bool(answer), **kw)

    @classmethod
    def graph_result(cls, triples, **kw) -> "QueryResult":
        return cls("graph", triples=tuple(sorted(set(triples), key=lambda t: tuple(map(term_key, t)))), **kw)

    def __iter__(self):
        return iter(self.triples if self.kind == "graph" else self.rows)

    def __len__(self) -> int:
        return len(self.triples if self.kind == "graph" else self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else len(self) > 0

    def graph(self):
        """The triples of a CONSTRUCT/DESCRIBE result as an rdflib graph, prefixes bound."""
        from .build import bind_prefixes
        from rdflib import Graph
        g = bind_prefixes(Graph())
        for t in self.triples:
            g.add(t)
        return g

    def canonical(self) -> list:
        """The rows (or triples) as sorted tuples of N-Triples strings: equal for equal results."""
        from .store import nt_term
        if self.kind == "ask":
            return [self.boolean]
        items = self.triples if self.kind == "graph" else self.rows
        return sorted(tuple("" if t is None else nt_term(t) for t in r) for r in items)


def term_key(t) -> tuple:
    """A sort key for terms: unbound, then IRIs, blank nodes, literals."""
    if t is None:
        return (0, "")
    if isinstance(t, URIRef):
        return (1, str(t))
    if isinstance(t, BNode):
        return (2, str(t))
    return (3, str(t), str(t.language or ""), str(t.datatype or ""))


# -- formats ---------------------------------------------------------------------------------

class ResultFormat(str, enum.Enum):
    """How results are written: tables and SPARQL results formats, or RDF for graphs."""

    TABLE = "table"
    JSON = "json"
    XML = "xml"
    CSV = "csv"
    TSV = "tsv"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"

    @property
    def media_type(self) -> str:
        return _MEDIA[self]

    @classmethod
    def from_media_type(cls, media: str) -> "ResultFormat | None":
        media = media.split(";", 1)[0].strip().lower()
        for f, m in _MEDIA.items():
            if m == media:
                return f
        return _MEDIA_ALIASES.get(media)


_MEDIA = {
    ResultFormat.TABLE: "text/plain",
    ResultFormat.JSON: "application/sparql-results+json",
    ResultFormat.XML: "application/sparql-results+xml",
    ResultFormat.CSV: "text/csv",
    ResultFormat.TSV: "text/tab-separated-values",
    ResultFormat.TURTLE: "text/turtle",
    ResultFormat.NTRIPLES: "application/n-triples",
}
_MEDIA_ALIASES = {"application/json": ResultFormat.JSON, "application/xml": ResultFormat.XML,
                  "text/xml": ResultFormat.XML, "application/x-turtle": ResultFormat.TURTLE,
                  "text/plain": ResultFormat.NTRIPLES}

SELECT_FORMATS = (ResultFormat.TABLE, ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV)
GRAPH_FORMATS = (ResultFormat.TURTLE, ResultFormat.NTRIPLES)


def format_result(result: QueryResult, fmt: ResultFormat | str = ResultFormat.TABLE) -> str:
    """The result written in ``fmt``; a graph result is written as Turtle unless N-Triples is asked."""
    fmt = ResultFormat(fmt)
    if result.kind == "graph":
        return to_graph_text(result, fmt if fmt in GRAPH_FORMATS else ResultFormat.TURTLE)
    if fmt in GRAPH_FORMATS:
        fmt = ResultFormat.TABLE
    return {ResultFormat.TABLE: to_table, ResultFormat.JSON: to_json, ResultFormat.XML: to_xml,
            ResultFormat.CSV: to_csv, ResultFormat.TSV: to_tsv}[fmt](result)


def to_graph_text(result: QueryResult, fmt: ResultFormat = ResultFormat.TURTLE) -> str:
    """A CONSTRUCT/DESCRIBE result as Turtle (stable order) or sorted N-Triples."""
    if ResultFormat(fmt) is ResultFormat.NTRIPLES:
        from .store import ntriples_lines
        return "".join(sorted(ntriples_lines(result.triples)))
    from .turtle import to_turtle
    return to_turtle(result.graph())


def _json_term(t) -> dict:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    d = {"type": "literal", "value": str(t)}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype is not None and t.datatype != XSD.string:
        d["datatype"] = str(t.datatype)
    return d


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        doc = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
                    for row in result.rows]
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _xml_escape(s: str) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return "".join(c if c in "\t\n" or ord(c) >= 32 else f"&#{ord(c)};" for c in s).replace("\r", "&#13;")


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if result.kind == "ask":
        out += ["</head>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f'<variable name="{v}"/>' for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for v, t in zip(result.variables, row):
            if t is None:
                continue
            if isinstance(t, URIRef):
                val = f"<uri>{_xml_escape(str(t))}</uri>"
            elif isinstance(t, BNode):
                val = f"<bnode>{_xml_escape(str(t))}</bnode>"
            elif t.language:
                val = f'<literal xml:lang="{t.language}">{_xml_escape(str(t))}</literal>'
            elif t.datatype is not None and t.datatype != XSD.string:
                val = f'<literal datatype="{_xml_escape(str(t.datatype))}">{_xml_escape(str(t))}</literal>'
            else:
                val = f"<literal>{_xml_escape(str(t))}</literal>"
            out.append(f'<binding name="{v}">{val}</binding>')
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _csv_cell(t) -> str:
    if t is None:
        return ""
    s = f"_:{t}" if isinstance(t, BNode) else str(t)
    if any(c in s for c in ',"\n\r'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: values only (no types or language tags), CRLF line ends."""
    if result.kind == "ask":
        return "boolean\r\n" + ("true" if result.boolean else "false") + "\r\n"
    lines = [",".join(result.variables)]
    lines += [",".join(_csv_cell(t) for t in row) for row in result.rows]
    return "\r\n".join(lines) + "\r\n"


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax, tabs and newlines escaped."""
    from .store import nt_term
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else nt_term(t).replace("\t", "\\t") for t in row))
    return "\n".join(lines) + "\n"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in s)


def _clip(s: str, limit: int) -> str:
    if _width(s) <= limit:
        return s
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > limit - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def display_term(t) -> str:
    """A term as a person reads it in a table: prefixed IRIs, literals without quotes or tags."""
    if t is None:
        return ""
    if isinstance(t, URIRef):
        from .turtle import term
        return term(t)
    if isinstance(t, BNode):
        return f"_:{t}"
    return " ".join(str(t).split())


def to_table(result: QueryResult, max_width: int = 60) -> str:
    """An aligned table for a terminal (Chinese characters count two columns)."""
    if result.kind == "ask":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        return to_graph_text(result)
    header = list(result.variables)
    body = [[_clip(display_term(t), max_width) for t in row] for row in result.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), "  ".join("─" * w for w in widths)]
    out += [line(r) for r in body]
    return "\n".join(out)

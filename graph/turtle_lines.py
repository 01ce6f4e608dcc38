"""Turtle from sorted N-Triples lines, byte for byte what :func:`policykg.graph.turtle.to_turtle` writes.

Corpus builds never hold an rdflib graph: their merged graph is a sorted stream of
N-Triples lines (see :mod:`policykg.graph.nquads`), in which each subject's triples
are contiguous and subjects come in the order ``to_turtle`` writes them. This module
formats one subject's lines as one Turtle block, so a writer can stream a graph of
millions of triples, and an incremental build can rewrite only the blocks that changed.

Blank-node cells of ``rdf:List`` chains are written inline as ``( … )`` exactly when
``to_turtle`` would: that depends on every triple that mentions a blank node, which a
:class:`BNodeIndex` holds (blank nodes are few: only list cells).

>>> lines = ([
...   '<https://w3id.org/policykg/id/locality/370983> <http://www.w3.org/2000/01/rdf-schema#label> "肥城市"@zh .',
...   '<https://w3id.org/policykg/id/locality/370983> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/policykg#Locality> .'])
>>> print(turtle_from_lines(lines).split("\\n\\n", 1)[1], end="")
pkl:370983 a pk:Locality ;
    rdfs:label "肥城市"@zh .
"""
from __future__ import annotations

import operator
import re
from typing import Iterable, Iterator

from ..ontology.prefixes import PREFIXES
from .nquads import is_bnode_line, split_line, unescape_string

__all__ = ["header", "turtle_from_lines", "iter_blocks", "BNodeIndex", "Formatter",
           "expand_subject", "expand_term", "parse_block", "subject_key", "sort_lines"]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDF_FIRST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"
RDF_REST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>"
RDF_NIL = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_INTEGER, _XSD_BOOLEAN, _XSD_STRING = f"<{XSD}integer>", f"<{XSD}boolean>", f"<{XSD}string>"
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?")  # graph.turtle._LOCAL
_INT = re.compile(r"[+-]?\d+")
_BY_NS = {ns: prefix for prefix, ns in PREFIXES.items()}


_IRI_BODY = operator.itemgetter(slice(1, -1))     # ``<iri>`` → ``iri``, with no Python call per term


def header() -> str:
    """The prefix lines and the blank line that open every graph.ttl."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"


def _iri_term(tok: str) -> str:
    """``<iri>`` as Turtle: a prefixed name when a policykg prefix covers it, else ``<iri>``."""
    if "\\" in tok:
        return tok
    raw = tok[1:-1]
    cut = max(raw.rfind("/"), raw.rfind("#")) + 1
    prefix = _BY_NS.get(raw[:cut])
    if prefix is not None and _LOCAL.fullmatch(raw, cut):
        return f"{prefix}:{raw[cut:]}"
    # a shorter namespace could still match when the local part has no '/' or '#': it cannot,
    # since every namespace ends in '/' or '#', so the longest candidate is the only one.
    return tok


def _literal_term(tok: str, iri_term) -> str:
    q = tok.rindex('"')
    body, suffix = tok[:q + 1], tok[q + 1:]
    if not suffix:
        return body
    if suffix[0] == "@":
        return tok
    dt = suffix[2:]
    if dt == _XSD_INTEGER and _INT.fullmatch(body, 1, q):
        return body[1:-1]
    if dt == _XSD_BOOLEAN and body in ('"true"', '"false"'):
        return body[1:-1]
    if dt == _XSD_STRING:
        return body
    return f"{body}^^{iri_term(dt)}"


def _raw_iri(tok: str) -> str:
    raw = tok[1:-1]
    return unescape_string(raw) if "\\" in raw else raw


def _obj_key(tok: str) -> tuple:
    """The sort key ``graph.turtle._key`` gives the term written as ``tok``."""
    c = tok[0]
    if c == "<":
        return 0, _raw_iri(tok), "", ""
    if c == "_":
        return 1, tok[2:], "", ""
    q = tok.rindex('"')
    value, suffix = unescape_string(tok[1:q]), tok[q + 1:]
    if suffix.startswith("@"):
        return 2, value, "", suffix[1:]
    if suffix.startswith("^^"):
        return 2, value, _raw_iri(suffix[2:]), ""
    return 2, value, "", ""


def subject_key(token: str) -> str:
    """The order in which Turtle blocks follow one another: a subject's N-Triples token and a space.

    It is the order of the subjects' N-Triples lines, so sorted lines are already in block
    order, a plain string sort puts them there, and a document's sorted lines can be cut into
    key ranges by bisection (IRIs come before blank nodes: ``<`` sorts before ``_``).

    >>> sorted(["<a:s1>", "_:b", "<a:s10>"], key=subject_key)
    ['<a:s10>', '<a:s1>', '_:b']
    """
    return token + " "


def sort_lines(lines: Iterable[str]) -> list[str]:
    """Distinct lines in the order of their subjects' Turtle blocks."""
    return sorted(set(lines))


class BNodeIndex:
    """Every triple whose subject or object is a blank node, with how many times it is asserted."""

    def __init__(self, counts: dict | None = None):
        self.counts: dict[str, int] = dict(counts or {})
        self._cache = None

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "BNodeIndex":
        idx = cls()
        for line in lines:
            if is_bnode_line(line):
                idx.add(line, 1)
        return idx

    def add(self, line: str, n: int) -> None:
        c = self.counts.get(line, 0) + n
        if c > 0:
            self.counts[line] = c
        else:
            self.counts.pop(line, None)
        self._cache = None

    def _build(self):
        props: dict[str, dict[str, list[str]]] = {}
        refs: dict[str, int] = {}
        referrers: dict[str, set] = {}
        by_subject: dict[str, list[str]] = {}
        for line in self.counts:
            s, p, o = split_line(line)
            by_subject.setdefault(s, []).append(line)
            if s[0] == "_":
                props.setdefault(s, {}).setdefault(p, []).append(o)
            if o[0] == "_":
                refs[o] = refs.get(o, 0) + 1
                referrers.setdefault(o, set()).add(s)
        lists = {}
        for b in props:
            if refs.get(b) == 1:
                items = self._as_list(b, props, refs)
                if items is not None:
                    lists[b] = items
        inlined = set()
        for head in lists:
            node = head
            while node != RDF_NIL:
                inlined.add(node)
                node = props[node][RDF_REST][0]
        self._cache = (lists, inlined, referrers, by_subject)

    @staticmethod
    def _as_list(b, props, refs):   # graph.turtle._as_list over tokens
        items, node, seen = [], b, set()
        while node != RDF_NIL:
            pr = props.get(node)
            if node in seen or pr is None or set(pr) != {RDF_FIRST, RDF_REST}:
                return None
            if len(pr[RDF_FIRST]) != 1 or len(pr[RDF_REST]) != 1:
                return None
            if node != b and refs.get(node) != 1:
                return None
            seen.add(node)
            items.append(pr[RDF_FIRST][0])
            node = pr[RDF_REST][0]
        return items

    @property
    def lists(self) -> dict:
        if self._cache is None:
            self._build()
        return self._cache[0]

    @property
    def inlined(self) -> set:
        if self._cache is None:
            self._build()
        return self._cache[1]

    def closure(self, bnodes: Iterable[str]) -> tuple[set, set]:
        """The blank nodes linked to these (through list cells, either way) and the other subjects
        that refer to any of them: every subject whose Turtle block shows one of them."""
        links: dict[str, set] = {}
        owners_of: dict[str, set] = {}
        for line in self.counts:
            s, _p, o = split_line(line)
            if s[0] == "_" and o[0] == "_":
                links.setdefault(s, set()).add(o)
                links.setdefault(o, set()).add(s)
            elif o[0] == "_":
                owners_of.setdefault(o, set()).add(s)
        nodes, todo = set(), list(bnodes)
        while todo:
            b = todo.pop()
            if b in nodes:
                continue
            nodes.add(b)
            todo.extend(links.get(b, ()))
        owners = set()
        for b in nodes:
            owners |= owners_of.get(b, set())
        return nodes, owners

    def lines_of(self, subject: str) -> list[str]:
        """The lines of ``subject`` that hold a blank node (all of its lines when it is one)."""
        if self._cache is None:
            self._build()
        by_subject = self._cache[3]
        return by_subject.get(subject, [])

    def owners(self, bnodes: Iterable[str]) -> set:
        """The non-blank subjects whose blocks show these blank nodes (through list chains)."""
        if self._cache is None:
            self._build()
        referrers = self._cache[2]
        out, todo, seen = set(), list(bnodes), set()
        while todo:
            b = todo.pop()
            if b in seen:
                continue
            seen.add(b)
            for s in referrers.get(b, ()):
                if s[0] == "_":
                    todo.append(s)
                else:
                    out.add(s)
        return out


class Formatter:
    """Formats one subject's lines as a Turtle block (``to_turtle``'s layout)."""

    CACHE = 300_000   # terms remembered (IRIs and short literals repeat across subjects)

    def __init__(self, bnodes: BNodeIndex | None = None):
        self.bnodes = bnodes or BNodeIndex()
        self._terms: dict[str, str] = {}
        self._pred: dict[str, tuple] = {}
        self._orders: dict[tuple, list] = {}
        self._lists = None
        self._inlined = None

    def iri(self, tok: str) -> str:
        return _iri_term(tok)

    def known_terms(self) -> dict[str, str]:
        """The formatter's memory of terms (N-Triples → Turtle), for a reader of its output to add to."""
        if len(self._terms) >= self.CACHE:
            self._terms.clear()
        return self._terms

    def term(self, tok: str) -> str:
        t = self._terms.get(tok)
        if t is not None:
            return t
        c = tok[0]
        if c == "<":
            t = _iri_term(tok)
        elif c == "_":
            return tok
        else:
            t = _literal_term(tok, _iri_term)
            if len(tok) > 80:
                return t
        if len(self._terms) >= self.CACHE:
            self._terms.clear()
        self._terms[tok] = t
        return t

    def obj(self, tok: str) -> str:
        if tok[0] == "_":
            if self._lists is None:
                self._lists = self.bnodes.lists
            items = self._lists.get(tok)
            if items is not None:
                return "( " + " ".join(self.obj(i) for i in items) + " )"
            return tok
        return self.term(tok)

    def _pred_info(self, p: str) -> tuple:
        info = self._pred.get(p)
        if info is None:
            info = self._pred[p] = ((p != RDF_TYPE, p[1:-1]), "a " if p == RDF_TYPE else _iri_term(p) + " ")
        return info

    def block(self, subject: str, lines: list[str]) -> str | None:
        """The Turtle block of ``subject`` from its lines (each ``subject p o .``), or None if written inline."""
        return next(self.blocks(lines), None)

    def blocks(self, lines: Iterable[str]) -> Iterator[str]:
        """The Turtle blocks of sorted, distinct lines: :meth:`block` of each subject's run, in one pass."""
        subject, prefix, props, cut = None, None, None, 0
        fmt = self._format
        for line in lines:
            if prefix is None or not line.startswith(prefix):
                if props is not None:
                    text = fmt(subject, props)
                    if text is not None:
                        yield text
                cut = line.index(" ") + 1
                prefix, subject, props = line[:cut], line[:cut - 1], {}
            j = line.index(" ", cut)
            p = line[cut:j]
            objs = props.get(p)
            if objs is None:
                props[p] = [line[j + 1:-2]]
            else:
                objs.append(line[j + 1:-2])
        if props is not None:
            text = fmt(subject, props)
            if text is not None:
                yield text

    def _heads(self, preds: tuple) -> list[tuple[str, str]]:
        """``(predicate, its Turtle head)`` in the order of a block (``a`` first, then by IRI), for
        a subject with these predicates; remembered, since subjects of a kind share them."""
        found = self._orders.get(preds)
        if found is None:
            info = self._pred_info
            if len(self._orders) >= self.CACHE:
                self._orders.clear()
            found = self._orders[preds] = [(p, info(p)[1]) for p in sorted(preds, key=lambda p: info(p)[0])]
        return found

    def _format(self, subject: str, props: dict[str, list[str]]) -> str | None:
        if subject[0] == "_":
            if self._inlined is None:
                self._inlined = self.bnodes.inlined
            if subject in self._inlined:
                return None
        term, obj, known = self.term, self.obj, self._terms.get
        parts = []
        for p, head in self._heads(tuple(props)):
            objs = props[p]
            if len(objs) == 1:
                o = objs[0]
                if o[0] == "_":
                    parts.append(head + obj(o))
                else:
                    parts.append(head + (known(o) or term(o)))
                continue
            joined = "\n".join(objs)
            if joined[0] == "<" and joined.count("\n<") == len(objs) - 1 and "\\" not in joined:
                objs.sort(key=_IRI_BODY)       # IRIs only, none escaped
            else:
                objs.sort(key=_obj_key)
            sep = " , " if len(objs) < 3 else " ,\n        "
            parts.append(head + sep.join([obj(o) if o[0] == "_" else (known(o) or term(o)) for o in objs]))
        return term(subject) + " " + " ;\n    ".join(parts) + " .\n"


def iter_blocks(lines: Iterable[str], bnodes: BNodeIndex) -> Iterator[str]:
    """The Turtle blocks of a sorted, deduplicated stream of N-Triples lines."""
    return Formatter(bnodes).blocks(lines)


def turtle_from_lines(lines: Iterable[str]) -> str:
    """Turtle text of N-Triples lines (any order; repeated lines count once)."""
    lines = sort_lines(lines)
    return header() + "".join(iter_blocks(lines, BNodeIndex.from_lines(lines)))


def expand_subject(token: str) -> str:
    """The N-Triples token of a block's subject as written in Turtle (``pkl:1`` → ``<…/locality/1>``)."""
    if token[0] in "<_":
        return token
    prefix, local = token.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


_XSD_OF_BARE = {"true": f'"true"^^{_XSD_BOOLEAN}', "false": f'"false"^^{_XSD_BOOLEAN}'}


def expand_term(token: str) -> str:
    """The N-Triples token of a term as :class:`Formatter` writes it (the inverse of ``Formatter.term``).

    >>> expand_term("4"), expand_term('"x"^^xsd:date'), expand_term("pk:Meeting")
    ('"4"^^<http://www.w3.org/2001/XMLSchema#integer>', '"x"^^<http://www.w3.org/2001/XMLSchema#date>', '<https://w3id.org/policykg#Meeting>')
    """
    c = token[0]
    if c == "<" or c == "_":
        return token
    if c == '"':
        q = token.rindex('"')
        if token.startswith("^^", q + 1):
            return token[:q + 3] + expand_term(token[q + 3:])
        return token      # a simple literal or one with a language tag (no literal here is typed xsd:string)
    bare = _XSD_OF_BARE.get(token)
    if bare is not None:
        return bare
    if _INT.fullmatch(token):
        return f'"{token}"^^{_XSD_INTEGER}'
    return expand_subject(token)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^\S+)?|\S+')


def parse_block(text: str, fmt: "Formatter | None" = None) -> tuple[str, list[str]]:
    """The subject token and the N-Triples lines of one block that :meth:`Formatter.block` wrote.

    An object written inline as a list (``( … )``) is left out: the line that points to the list
    and the list's own lines hold blank nodes, which a :class:`BNodeIndex` knows. With a
    formatter, the terms read are given to it, so that writing the block again does not
    format them again.

    >>> s, lines = parse_block('pkl:1 a pk:Locality ;\\n    pk:count 2 , 3 ;\\n    pk:item ( pki:a pki:b ) .\\n')
    >>> [line.split()[2] for line in lines]
    ['<https://w3id.org/policykg#Locality>', '"2"^^<http://www.w3.org/2001/XMLSchema#integer>', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>']
    """
    toks = _TOKEN.findall(text)
    s = expand_subject(toks[0])
    known = fmt.known_terms() if fmt is not None else None
    lines = []
    i, n = 1, len(toks)
    while i < n:
        p = RDF_TYPE if toks[i] == "a" else expand_term(toks[i])
        head = f"{s} {p} "
        i += 1
        while True:
            t = toks[i]
            if t == "(":
                depth = 1
                while depth:
                    i += 1
                    depth += (toks[i] == "(") - (toks[i] == ")")
            else:
                o = expand_term(t)
                lines.append(head + o + " .")
                if known is not None:
                    known[o] = t
            sep = toks[i + 1]
            i += 2
            if sep != ",":
                break
        if sep == ".":
            break
    return s, lines

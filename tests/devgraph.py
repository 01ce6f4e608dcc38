"""The graph of all development articles, built once per test session (shared by several test files),
and the parameters with which the named queries are checked on it.

``dev_build()`` returns ``(KnowledgeGraph, directory)``; the directory holds ``graph.ttl`` as
``policykg build DEV_TEXTS -o DIR`` writes it. Tests call it from a fixture, after
``shared_path`` has skipped them when ../shared is absent.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from conftest import DEV_TEXTS


@lru_cache(maxsize=None)
def dev_build():
    import policykg
    out = Path(tempfile.mkdtemp(prefix="policykg-dev-"))
    atexit.register(shutil.rmtree, out, True)
    kg = policykg.build([DEV_TEXTS])
    kg.write(out, html=False)
    return kg, out


# Parameters with which the tests (and the Jena cross-check) run each query, besides the defaults.
CASES = [
    ("meetings", {}), ("meetings", {"locality": "泰安市"}), ("meetings", {"from": "2021-03-03", "to": "2021-03-04"}),
    ("cascade", {"locality": "肥城市", "date": "2021-03-01"}), ("cascade", {"locality": "德州市"}), ("cascade", {}),
    ("follow-lag", {}), ("follow-lag", {"locality": "德城区"}),
    ("stressed-by", {}), ("stressed-by", {"label": "筑牢政治忠诚"}),
    ("campaign-formulations", {"campaign": "政法队伍教育整顿"}), ("campaign-formulations", {}),
    ("item-variants", {"label": "三个环节"}), ("item-variants", {}),
    ("persons", {}), ("persons", {"name": "韩立军"}),
    ("statements", {}), ("statements", {"locality": "德城区", "verb": "强调"}),
    ("overview", {}),
]


def json_rows(doc: dict) -> tuple[list[str], list[tuple]]:
    """The variables and the sorted rows (terms in N-Triples) of a SPARQL 1.1 Query Results JSON document."""
    from rdflib import BNode, Literal, URIRef

    from policykg.graph.store import nt_term

    def term(b: dict):
        if b["type"] == "uri":
            return URIRef(b["value"])
        if b["type"] == "bnode":
            return BNode(b["value"])
        if "xml:lang" in b:
            return Literal(b["value"], lang=b["xml:lang"])
        if b.get("datatype") and b["datatype"] != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(b["value"], datatype=URIRef(b["datatype"]))
        return Literal(b["value"])

    names = doc["head"]["vars"]
    return names, sorted(tuple(nt_term(term(b[v])) if v in b else "" for v in names)
                         for b in doc["results"]["bindings"])

"""The graph as a NetworkX ``MultiDiGraph``, and as GraphML, node-link JSON and Cytoscape JSON.

Nodes are the facts (documents, localities, meetings, statements, formulations, items, persons,
campaigns), keyed by IRI, with attributes ``label`` (the ``rdfs:label``, or another readable
name), ``class`` (``Meeting``, ``Locality``, ``Task``…), ``iri`` and one string attribute per
literal property (``date``, ``adminCode``, ``verb``…; several values joined by ``"; "``).
Edges are the links between facts (``follows``, ``heldIn``, ``mentions``, ``item``…), with the
attributes ``predicate`` (prefixed name) and ``label`` (local name); the edge key is the
predicate too. Links to vocabulary terms (``pk:adminLevel pk:County``, ``pk:category pk:Task``)
become attributes. Provenance (``pk:Mention`` nodes and ``pk:evidence`` links), ``pk:text`` and
the cells of ``pk:itemList`` are left out unless ``provenance=True``.

GraphML opens in Gephi and Cytoscape (File → Import → Network from File); the Cytoscape JSON
(``.cyjs``) opens in Cytoscape; node-link JSON is read by NetworkX, D3 and Gephi's JSON importer.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF, RDFS
>>> PK = "https://w3id.org/policykg#"
>>> m1 = URIRef("https://w3id.org/policykg/id/meeting/370983-20210301-e302477dc315")
>>> m2 = URIRef("https://w3id.org/policykg/id/meeting/370900-nodate-c689b4e5ae64")
>>> g = Graph()
>>> for m, name in ((m1, "动员部署会议"), (m2, "动员会")):
...     _ = g.add((m, RDF.type, URIRef(PK + "Meeting")))
...     _ = g.add((m, RDFS.label, Literal(name, lang="zh")))
>>> _ = g.add((m1, URIRef(PK + "follows"), m2))
>>> G = to_networkx(g)
>>> G.nodes[str(m1)]["label"], G.nodes[str(m1)]["class"]
('动员部署会议', 'Meeting')
>>> list(G.edges(keys=True, data="label"))[0][2:]
('pk:follows', 'follows')
"""
from __future__ import annotations

import json
from pathlib import Path

__all__ = ["to_networkx", "write_graphml", "to_graphml", "to_node_link", "write_node_link",
           "to_cytoscape", "write_cytoscape"]

# the readable class of a node, when it has several types: the first of these it has
_CLASS_ORDER = ("Document", "Meeting", "Statement", "Formulation", "Task", "Principle", "Goal", "Phase",
                "Theme", "Requirement", "Commitment", "Other", "Person", "Campaign", "Locality",
                "AdministrativeDivision", "Mention")
_NAME_PROPS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://purl.org/dc/terms/title",
               "https://w3id.org/policykg#quote", "https://w3id.org/policykg#verb")


def _short(iri: str) -> str:
    from rdflib import URIRef

    from .turtle import term
    return term(URIRef(iri))


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_networkx(graph, *, provenance: bool = False):
    """A :class:`networkx.MultiDiGraph` of the facts and their links (see the module docstring)."""
    import networkx as nx
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF

    from ..ontology.namespace import NS, PK
    from .turtle import _key

    g = getattr(graph, "graph", graph) if hasattr(graph, "extractions") else graph
    skip_preds = {PK.text}
    if not provenance:
        skip_preds |= {PK.evidence, PK.itemList, RDF.first, RDF.rest}
    types: dict = {}
    for s, o in g.subject_objects(RDF.type):
        types.setdefault(s, set()).add(str(o))
    mentions = {s for s, t in types.items() if str(PK.Mention) in t}

    def keep(node) -> bool:
        if isinstance(node, BNode):
            return provenance
        return provenance or node not in mentions

    nodes: dict = {}
    edges = []
    for s, p, o in g:
        if p in skip_preds or not keep(s):
            continue
        attrs = nodes.setdefault(s, {})
        if p == RDF.type:
            continue
        if isinstance(o, Literal):
            attrs.setdefault(str(p), []).append(o)
        elif isinstance(o, URIRef) and str(o).startswith(NS):
            attrs.setdefault(str(p), []).append(o)
        elif keep(o):
            nodes.setdefault(o, {})
            edges.append((s, p, o))

    G = nx.MultiDiGraph()
    for n in sorted(nodes, key=_key):
        data = {"iri": str(n)}
        classes = sorted(_local(t) for t in types.get(n, ()))
        ordered = [c for c in _CLASS_ORDER if c in classes] + [c for c in classes if c not in _CLASS_ORDER]
        data["class"] = ordered[0] if ordered else ""
        if len(ordered) > 1:
            data["classes"] = " ".join(ordered)
        props = nodes[n]
        label = ""
        for p in _NAME_PROPS:
            if props.get(p):
                values = sorted(set(str(v) for v in props[p]))
                label = "; ".join(values) if p == _NAME_PROPS[0] else values[0]
                break
        data["label"] = label or _short(str(n))
        for p in sorted(props):
            if p == _NAME_PROPS[0]:
                continue
            name = _local(p)
            if name in data:
                name = _short(p).replace(":", "_")
            values = sorted(_local(str(v)) if isinstance(v, URIRef) else str(v) for v in props[p])
            data[name] = "; ".join(dict.fromkeys(values))
        G.add_node(str(n), **data)
    for s, p, o in sorted(edges, key=lambda e: (_key(e[0]), str(e[1]), _key(e[2]))):
        key = _short(str(p))
        G.add_edge(str(s), str(o), key=key, predicate=key, label=_local(str(p)))
    return G


def _nx(source, provenance: bool):
    import networkx as nx
    return source if isinstance(source, nx.Graph) else to_networkx(source, provenance=provenance)


def to_graphml(source, *, provenance: bool = False) -> str:
    """GraphML text (node and edge attributes declared as strings)."""
    import networkx as nx
    G = _nx(source, provenance)
    return "\n".join(nx.generate_graphml(G, encoding="utf-8", prettyprint=True, named_key_ids=False,
                                         edge_id_from_attribute=None)) + "\n"


def write_graphml(source, path, *, provenance: bool = False) -> Path:
    """Write GraphML to ``path`` atomically."""
    from .turtle import write_text_atomic
    return write_text_atomic(path, to_graphml(source, provenance=provenance))


def to_node_link(source, *, provenance: bool = False) -> dict:
    """Node-link data (``{"nodes": […], "links": […]}``), as :func:`networkx.node_link_data` gives."""
    import networkx as nx
    return nx.node_link_data(_nx(source, provenance), edges="links")


def write_node_link(source, path, *, provenance: bool = False) -> Path:
    """Write node-link JSON to ``path`` atomically."""
    from .turtle import write_text_atomic
    data = to_node_link(source, provenance=provenance)
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def to_cytoscape(source, *, provenance: bool = False) -> dict:
    """Cytoscape.js JSON (``.cyjs``): ``{"elements": {"nodes": …, "edges": …}}``."""
    import networkx as nx
    G = _nx(source, provenance)
    data = nx.cytoscape_data(G, name="label", ident="id")
    for i, e in enumerate(data["elements"]["edges"]):
        e["data"]["id"] = f"e{i}"
        e["data"]["interaction"] = e["data"].get("label", "")
    return data


def write_cytoscape(source, path, *, provenance: bool = False) -> Path:
    """Write Cytoscape.js JSON to ``path`` atomically."""
    from .turtle import write_text_atomic
    data = to_cytoscape(source, provenance=provenance)
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

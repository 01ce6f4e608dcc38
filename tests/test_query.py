"""SPARQL through Oxigraph and rdflib: one result form, standard result formats, errors with positions,
and the ``policykg query`` command."""
from __future__ import annotations

import csv
import doctest
import importlib
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from policykg.errors import QueryError
from policykg.graph.query import check_query, execute, is_update, undeclared_prefix
from policykg.graph.results import (QueryResult, ResultFormat, format_result, to_csv, to_json, to_table, to_tsv,
                                    to_xml)

CLI = [sys.executable, "-m", "policykg.cli"]
PK = "https://w3id.org/policykg#"
PKM = "https://w3id.org/policykg/id/meeting/"
PKL = "https://w3id.org/policykg/id/locality/"

MODULES = ["policykg.graph.query", "policykg.graph.results", "policykg.graph.store", "policykg.graph.query_library",
           "policykg.graph.rdf_export", "policykg.graph.nx_export", "policykg.graph.server"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.fixture(scope="module")
def small() -> Graph:
    """Two meetings, one following the other; a locality with a tricky label."""
    g = Graph()
    up, down, loc = URIRef(PKM + "370900-nodate-a"), URIRef(PKM + "370983-20210301-b"), URIRef(PKL + "370983")
    for m, name in ((up, "动员会"), (down, "动员部署会议")):
        g.add((m, RDF.type, URIRef(PK + "Meeting")))
        g.add((m, RDFS.label, Literal(name, lang="zh")))
    g.add((down, URIRef(PK + "follows"), up))
    g.add((down, URIRef(PK + "date"), Literal("2021-03-01", datatype=XSD.date)))
    g.add((down, URIRef(PK + "heldIn"), loc))
    g.add((loc, RDFS.label, Literal('肥城市, "市"\n第二行', lang="zh")))
    g.add((loc, URIRef(PK + "adminCode"), Literal("370983")))
    return g


SELECT = "SELECT ?m ?name ?date WHERE { ?m a pk:Meeting ; rdfs:label ?name . OPTIONAL { ?m pk:date ?date } }"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_select_ask_construct_describe(small, engine):
    r = execute(small, SELECT + " ORDER BY ?name", engine=engine)
    assert r.kind == "select" and r.variables == ("m", "name", "date")
    assert [str(row.name) for row in r] == ["动员会", "动员部署会议"]
    assert r.rows[0].date is None and r.rows[1]["date"] == Literal("2021-03-01", datatype=XSD.date)
    assert r.rows[1].asdict()["m"] == URIRef(PKM + "370983-20210301-b")
    assert execute(small, "ASK { ?a pk:follows ?b }", engine=engine).boolean is True
    assert execute(small, "ASK { ?a pk:partOf ?b }", engine=engine).boolean is False
    c = execute(small, "CONSTRUCT { ?b pk:followedBy ?a } WHERE { ?a pk:follows ?b }", engine=engine)
    assert c.kind == "graph" and len(c) == 1
    d = execute(small, f"DESCRIBE <{PKL}370983>", engine=engine)
    assert (URIRef(PKL + "370983"), URIRef(PK + "adminCode"), Literal("370983")) in set(d)


def test_engines_agree_term_for_term(small):
    queries = [SELECT, "SELECT ?l (COUNT(?m) AS ?n) WHERE { ?m pk:heldIn/rdfs:label ?l } GROUP BY ?l",
               "SELECT (STR(?d) AS ?s) (YEAR(?d) AS ?y) WHERE { ?m pk:date ?d }",
               "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"]
    for q in queries:
        a, b = execute(small, q), execute(small, q, engine="rdflib")
        assert a.canonical() == b.canonical(), q
        assert a == b or a.kind == "select"  # select rows may come in another order


def test_max_rows_cuts_and_flags(small):
    r = execute(small, "SELECT * WHERE { ?s ?p ?o }", max_rows=3)
    assert len(r) == 3 and r.truncated
    assert not execute(small, "SELECT * WHERE { ?s ?p ?o }", max_rows=100).truncated


def test_query_a_file_or_a_build_directory(small, tmp_path):
    from policykg.graph.rdf_export import write_rdf
    write_rdf(small, tmp_path / "graph.ttl")
    write_rdf(small, tmp_path / "g.trig")
    for source in (tmp_path, tmp_path / "graph.ttl", tmp_path / "g.trig"):
        for engine in ("oxigraph", "rdflib"):
            assert len(execute(source, "SELECT * WHERE { ?s ?p ?o }", engine=engine)) == len(small)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("text, line, column, words", [
    ("SELECT ?x WHERE {\n  ?x a pk:Meeting .\n  FILTER(?x = ) }", 3, 3, "unexpected 'FILTER'"),
    ("SELECT ?x WHERE {\n  ?x a pk:Meeting .\n", 3, 1, "unexpected end of query"),
    ("SELEC ?x WHERE { ?x ?p ?o }", 1, 1, "unexpected 'SELEC'"),
    ("SELECT ?x WHERE {\n  ?x a foo:Meeting }", 2, 8, "unknown prefix foo:"),
])
def test_syntax_errors_give_line_and_column(small, engine, text, line, column, words):
    with pytest.raises(QueryError) as e:
        execute(small, text, engine=engine, name="q.rq")
    msg = str(e.value)
    assert msg.startswith(f"q.rq:{line}: column {column}: SPARQL syntax error"), msg
    assert words in msg
    caret = msg.splitlines()[-1]
    assert caret.strip() == "^" and len(caret) - 5 == column - 1 or "end of query" in words


def test_caret_counts_chinese_characters_as_two_columns(small):
    with pytest.raises(QueryError) as e:
        execute(small, 'SELECT ?x WHERE { ?x rdfs:label "肥城市"@zh FILTER(?x = ) }')
    excerpt, caret = str(e.value).splitlines()[-2:]
    assert excerpt.strip().startswith("SELECT") and caret.index("^") == 4 + len("SELECT ?x WHERE { ?x rdfs:label \"") + 6 + len("\"@zh ")


def test_a_semantic_error_only_oxigraph_sees_still_has_a_position(small):
    with pytest.raises(QueryError) as e:
        execute(small, "SELECT (COUNT(?m) AS ?n) ?name WHERE { ?m rdfs:label ?name }")
    assert "query:1:" in str(e.value)


def test_updates_are_refused(small):
    before = len(small)
    for text in ("INSERT DATA { pk:a pk:b pk:c }", "PREFIX x: <http://x/#> DELETE WHERE { ?s ?p ?o }",
                 "# comment\nCLEAR ALL", "LOAD <http://example.org/x>"):
        assert is_update(text)
        with pytest.raises(QueryError, match="read-only"):
            execute(small, text)
    assert not is_update('SELECT ?s WHERE { ?s rdfs:label "INSERT" }')
    assert len(small) == before


def test_undeclared_prefix_ignores_strings_iris_and_comments():
    assert undeclared_prefix('SELECT * WHERE { ?s <http://x/a:b> "foo:bar" } # baz:qux') is None
    assert undeclared_prefix("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:p ?o }") is None
    assert undeclared_prefix("SELECT * WHERE { ?s ex:p ?o }")[0] == "ex"
    assert check_query("DESCRIBE pkm:x") == "describe"


# -- result formats ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def result(small) -> QueryResult:
    return execute(small, "SELECT ?m ?label ?code WHERE { ?m rdfs:label ?label . OPTIONAL { ?m pk:adminCode ?code } }"
                          " ORDER BY ?label")


def test_json_is_sparql_results_json(result):
    doc = json.loads(to_json(result))
    assert doc["head"]["vars"] == ["m", "label", "code"]
    b = doc["results"]["bindings"]
    assert b[0]["label"] == {"type": "literal", "value": "动员会", "xml:lang": "zh"}
    assert b[0]["m"]["type"] == "uri" and "code" not in b[0]
    assert {"type": "literal", "value": "370983"} in [x.get("code") for x in b]
    assert json.loads(to_json(QueryResult.ask(True))) == {"head": {}, "boolean": True}


def test_csv_quotes_and_tsv_escapes(result):
    text = to_csv(result)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["m", "label", "code"]
    assert ['肥城市, "市"\n第二行'] == [r[1] for r in rows if r[2] == "370983"]
    tsv = to_tsv(result).splitlines()
    assert tsv[0] == "?m\t?label\t?code"
    assert any(line.endswith('"肥城市, \\"市\\"\\n第二行"@zh\t"370983"') for line in tsv)


def test_xml_is_sparql_results_xml(result):
    root = ET.fromstring(to_xml(result).encode("utf-8"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["m", "label", "code"]
    lits = root.findall(".//r:binding[@name='label']/r:literal", ns)
    assert lits[0].text == "动员会" and lits[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"


def test_table_aligns_chinese(result):
    lines = to_table(result).splitlines()
    assert lines[0].split() == ["m", "label", "code"]
    from policykg.graph.results import _width
    starts = {_width(line[: line.index("370983")]) for line in lines if "370983" in line and "pkl:" in line}
    assert len(lines) == 2 + len(result)
    assert "pkm:370900-nodate-a" in lines[2]
    assert starts  # the code column lines up after the wide label
    assert format_result(QueryResult.ask(False), ResultFormat.TABLE) == "no"


# -- the command line ----------------------------------------------------------------------

def cli(*args, input=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120, input=input)


@pytest.fixture(scope="module")
def small_file(small, tmp_path_factory):
    from policykg.graph.rdf_export import write_rdf
    return write_rdf(small, tmp_path_factory.mktemp("q") / "graph.ttl")


def test_cli_formats(small_file):
    r = cli("query", small_file, SELECT + " ORDER BY ?name")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].split() == ["m", "name", "date"] and "2 rows" in r.stderr
    r = cli("query", small_file, SELECT, "--format", "json")
    assert len(json.loads(r.stdout)["results"]["bindings"]) == 2
    raw = subprocess.run([*CLI, "query", str(small_file), SELECT, "--format", "csv", "--engine", "rdflib"],
                         capture_output=True, timeout=120)
    assert raw.stdout.startswith(b"m,name,date\r\n")
    r = cli("query", small_file, "CONSTRUCT { ?a pk:follows ?b } WHERE { ?a pk:follows ?b }")
    assert r.returncode == 0 and r.stdout.startswith("@prefix pk:")
    assert len(Graph().parse(data=r.stdout, format="turtle")) == 1
    r = cli("query", small_file, "CONSTRUCT { ?a pk:follows ?b } WHERE { ?a pk:follows ?b }", "--format", "csv")
    assert r.returncode == 2 and "CONSTRUCT" in r.stderr
    r = cli("query", small_file, "ASK { ?a pk:follows ?b }")
    assert r.stdout.strip() == "yes"


def test_cli_file_output_and_errors(small_file, tmp_path):
    q = tmp_path / "bad.rq"
    q.write_text("SELECT ?x WHERE {\n  ?x a pk:Meeting\n  FILTER(?x = ) }\n", encoding="utf-8")
    r = cli("query", small_file, "--file", q)
    assert r.returncode == 2
    assert f"{q}:3: column 3: SPARQL syntax error" in r.stderr and "^" in r.stderr
    out = tmp_path / "rows.tsv"
    r = cli("query", small_file, SELECT, "--format", "tsv", "-o", out)
    assert r.returncode == 0 and out.read_text(encoding="utf-8").startswith("?m\t?name\t?date\n")
    r = cli("query", tmp_path / "missing.ttl", SELECT)
    assert r.returncode == 2 and "missing.ttl" in r.stderr
    r = cli("query", small_file)
    assert r.returncode == 2 and "no query" in r.stderr
    r = cli("query", small_file, "DROP ALL")
    assert r.returncode == 2 and "read-only" in r.stderr

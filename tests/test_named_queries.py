"""The named queries: well-formed files, parameters bound safely, and the rows they give on the
development articles (the same with Oxigraph and rdflib).

Assertions marked ``# extraction`` depend on what the extractor reads from the dev articles; the
others hold for any graph.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from policykg.errors import QueryError
from policykg.graph.query import check_query, execute
from policykg.graph.query_library import list_queries, named_query, parse_named_query, queries_dir

from conftest import shared_path
from devgraph import CASES

CLI = [sys.executable, "-m", "policykg.cli"]
MINE = ("meetings", "cascade", "follow-lag", "stressed-by", "campaign-formulations", "item-variants", "persons",
        "statements", "overview")

def test_every_query_file_is_described_and_parses():
    names = [q.name for q in list_queries()]
    assert set(MINE) <= set(names)
    for q in list_queries():
        assert q.zh and q.en, q.name
        assert any("\u4e00" <= c <= "\u9fff" for c in q.zh), q.name
        assert check_query(q.render({}), source=q.path.name) == "select"
        for p in q.params:
            assert p.doc, f"{q.name}: parameter {p.name} has no description"


def test_my_queries_declare_their_prefixes():
    """They run unchanged in any SPARQL tool (the command line predeclares prefixes anyway)."""
    from policykg.graph.query import _PNAME, _blank_out
    for name in MINE:
        text = named_query(name).text
        declared = {line.split()[1][:-1] for line in text.splitlines() if line.startswith("PREFIX")}
        used = {m.group(1) for m in _PNAME.finditer(_blank_out(text)) if m.group(1)}
        assert used <= declared, name


def test_list_shows_both_languages_and_parameters():
    r = subprocess.run([*CLI, "query", "--list"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    for q in list_queries():
        assert q.name in r.stdout and q.zh in r.stdout and q.en in r.stdout
    assert "--param locality=" in r.stdout and "(default 四项任务)" in r.stdout


def test_parameters_are_typed_and_escaped():
    q = named_query("meetings")
    text = q.render({"locality": "泰安市", "from": "2021-03-01"})
    assert 'VALUES (?locality ?from) { ("泰安市"@zh "2021-03-01"^^<http://www.w3.org/2001/XMLSchema#date>) }' in text
    assert q.render({}) == q.text
    with pytest.raises(QueryError, match="not a date"):
        q.render({"from": "3月1日"})
    with pytest.raises(QueryError, match="unknown parameter"):
        q.render({"place": "泰安市"})
    evil = q.render({"locality": '"} ; } DROP ALL ; SELECT * { "'})
    assert check_query(evil) == "select"
    iri = named_query("cascade").render({"meeting": "pkm:370983-20210301-e302477dc315"})
    assert "<https://w3id.org/policykg/id/meeting/370983-20210301-e302477dc315>" in iri
    with pytest.raises(QueryError, match="not an IRI"):
        named_query("cascade").render({"meeting": "<x> } ; DROP ALL"})
    assert named_query("stressed-by.rq").name == "stressed-by"
    with pytest.raises(QueryError, match="known: "):
        named_query("no-such-query")


def test_a_bad_header_is_reported_with_its_line(tmp_path):
    f = tmp_path / "x.rq"
    f.write_text("# zh: 甲\n# en: A\n# param: who person\nSELECT * WHERE { #@VALUES\n}\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"x.rq:3: bad parameter line"):
        parse_named_query(f)
    f.write_text("# en: A\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="missing '# zh"):
        parse_named_query(f)
    f.write_text("# zh: 甲\n# en: A\n# param: who zh  someone\nSELECT * WHERE { ?s ?p ?who }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="#@VALUES"):
        parse_named_query(f)


def test_queries_are_package_data():
    assert queries_dir().name == "queries" and (queries_dir() / "meetings.rq").is_file()


# -- expected rows on the development articles -----------------------------------------------

@pytest.fixture(scope="module")
def dev():
    shared_path("eval", "dev", "texts")
    from devgraph import dev_build
    from policykg.graph.store import to_store
    kg, out = dev_build()
    return kg, out, to_store(kg.graph)


def rows(dev, query, **params):
    return execute(dev[2], named_query(query).render(params), name=f"{query}.rq")


def values(result, var) -> list[str]:
    return [str(r[var]) if r[var] is not None else None for r in result]


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}{'-' + '-'.join(p.values()) if p else ''}" for n, p in CASES])
def test_oxigraph_and_rdflib_give_identical_rows(dev, name, params):
    text = named_query(name).render(params)
    ox = execute(dev[2], text)
    rd = execute(dev[0].graph, text, engine="rdflib")
    assert ox.variables == rd.variables
    assert ox.canonical() == rd.canonical()


def test_report_queries_agree_too(dev):
    for q in list_queries():
        if q.name not in MINE:
            assert execute(dev[2], q.render({})).canonical() == execute(dev[0].graph, q.render({}),
                                                                       engine="rdflib").canonical(), q.name


def test_meetings_by_locality_include_the_divisions_below(dev):
    r = rows(dev, "meetings", locality="泰安市")
    assert set(values(r, "place")) <= {"泰安市", "肥城市"}
    assert ("2021-03-01", "肥城市") in zip(values(r, "date"), values(r, "place"))  # extraction
    r = rows(dev, "meetings", locality="山东省")
    assert {"肥城市", "河口区", "垦利区", "德城区", "禹城市"} <= set(values(r, "place"))  # extraction


def test_meetings_by_date_range(dev):
    r = rows(dev, "meetings", **{"from": "2021-03-03", "to": "2021-03-04"})
    assert r.rows and all(d is not None and "2021-03-03" <= d <= "2021-03-04" for d in values(r, "date"))
    assert all(row.date.datatype == XSD.date for row in r)
    assert {"河口区", "德城区", "德州市"} <= set(values(r, "place"))  # extraction
    assert "肥城市" not in values(r, "place")
    assert values(r, "date") == sorted(values(r, "date"))
    every = rows(dev, "meetings")
    assert len(every) > len(r) and len(every) == len(execute(dev[2], "SELECT DISTINCT ?m ?n WHERE "
                                                                     "{ ?m a pk:Meeting ; rdfs:label ?n }"))


def test_cascade_of_the_seed_meeting_in_feicheng(dev):
    r = rows(dev, "cascade", locality="肥城市", date="2021-03-01")
    up = {(row.relatedPlace and str(row.relatedPlace)) for row in r if str(row.direction) == "up"}
    assert up == {"山东省", "泰安市"}  # extraction
    assert not [row for row in r if str(row.direction) == "down"]  # extraction
    r = rows(dev, "cascade", locality="德州市")
    down = {str(row.relatedPlace) for row in r if str(row.direction) == "down"}
    assert "德城区" in down  # extraction


def test_cascade_is_symmetric(dev):
    r = rows(dev, "cascade")
    pairs = {(row.meeting, row.related, str(row.direction)) for row in r}
    for m, rel, d in pairs:
        assert (rel, m, "down" if d == "up" else "up") in pairs


def test_follow_lag_in_days(dev):
    r = rows(dev, "follow-lag", locality="德城区")
    assert [(str(x.followedPlace), str(x.date), x.lagDays) for x in r] == [
        ("德州市", "2021-03-04", Literal(0))]  # extraction
    every = rows(dev, "follow-lag")
    from datetime import date
    for x in every:
        assert int(x.lagDays) == (date.fromisoformat(str(x.date)) - date.fromisoformat(str(x.followedDate))).days
    lags = {(str(x.place), str(x.followedPlace)): int(x.lagDays) for x in every}
    assert lags.get(("陈仓区", "宝鸡市")) == 7  # extraction: dev11, 2021-03-05 after 2021-02-26


def test_who_stressed_the_four_tasks(dev):
    r = rows(dev, "stressed-by")  # default: 四项任务
    assert {"肥城市", "河口区", "垦利区", "德城区", "禹城市"} <= set(values(r, "place"))  # extraction
    item = rows(dev, "stressed-by", label="筑牢政治忠诚")
    assert {"肥城市", "河口区"} <= set(values(item, "place"))  # extraction


def test_formulations_and_items_per_campaign(dev):
    r = rows(dev, "campaign-formulations", campaign="政法队伍教育整顿")
    tasks = [row for row in r if str(row.formulation) == "四项任务"]
    assert {str(row.item) for row in tasks} >= {"筑牢政治忠诚", "清除害群之马", "整治顽瘴痼疾", "弘扬英模精神"}  # extraction
    assert all(str(row.category).endswith("#Task") and int(row.meetings) >= 5 for row in tasks)  # extraction
    assert set(values(r, "campaign")) == {"政法队伍教育整顿"}


def test_item_variants(dev):
    r = rows(dev, "item-variants", label="三个环节")
    assert all(int(x.placesWithItem) < int(x.placesWithLabel) for x in r)
    pairs = {(str(x.item), str(x.place)) for x in r}
    assert ("学习教育", "河口区") in pairs and ("隐患排查", "佛堂镇") in pairs  # extraction


def test_persons_and_titles(dev):
    r = rows(dev, "persons", name="韩立军")
    assert values(r, "title") == ["县委书记"]  # extraction
    every = rows(dev, "persons")
    assert ("邹明远", "省长") in {(str(x.name), str(x.title)) for x in every}  # extraction


def test_statements_by_verb(dev):
    r = rows(dev, "statements")  # default: 肥城市
    assert {"指出", "强调", "要求"} <= set(values(r, "verb"))  # extraction
    assert values(r, "verb") == sorted(values(r, "verb"))
    stressed = [x for x in r if str(x.verb) == "强调"]
    assert any("四项任务" in str(x.content) for x in stressed)  # extraction
    assert all(x.person is None for x in r)  # extraction: 会议 speaks in the seed


def test_overview_counts_the_documents(dev):
    r = rows(dev, "overview")
    counts = {str(x["class"]).rsplit("#", 1)[1]: int(x["count"]) for x in r}
    assert counts["Document"] == len(dev[0].documents)
    assert counts["Meeting"] > 0 and counts["Mention"] > counts["Meeting"]


def test_cli_runs_a_named_query_with_parameters(dev):
    r = subprocess.run([*CLI, "query", str(dev[1]), "--name", "follow-lag", "--param", "locality=德城区",
                        "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "place,date,followedPlace,followedDate,lagDays,meeting,followed"
    assert lines[1].startswith("德城区,2021-03-04,德州市,2021-03-04,0,")  # extraction
    r = subprocess.run([*CLI, "query", "--name", "meetings", "--param", "from=2021-03-01", "--show"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "VALUES (?from)" in r.stdout

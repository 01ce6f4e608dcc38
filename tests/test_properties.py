"""Invariants over generated input (Hypothesis): reading and extraction never crash, every span
quotes its text, the graph round-trips through Turtle and conforms to the shapes.

Texts come from four strategies: any Unicode (surrogates and controls included), CJK-heavy
text strewn with the words the rules look for, random bytes and markup, and the dev articles
of ``../shared`` mutated by deleting, inserting and duplicating slices (skipped when absent).
Validation costs about half a second a graph, so that property runs on fewer examples.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from policykg.extract.document import Document, content_id
from policykg.extract.errors import InputError
from policykg.extract.pipeline import extract

from conftest import dev_texts

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# -- strategies -------------------------------------------------------------------------------------

CUES = ("会议", "召开", "强调", "指出", "要求", "提出", "表示", "市委", "县委", "区委", "书记", "市长", "县长",
        "同志", "主持", "出席", "讲话", "部署", "动员", "工作会议", "常委会", "全体会议", "专题会议", "第一次",
        "贯彻", "精神", "落实", "三个", "四项任务", "五个方面", "两个维护", "四个意识", "一是", "二是", "三是",
        "第一", "第二", "全市", "全县", "全省", "肥城市", "泰安市", "山东省", "朝阳区", "东山县", "湘潭县",
        "2021年3月1日", "3月5日", "上午", "下午", "日前", "近日", "（一）", "（二）", "1.", "2、", "《", "》",
        "“", "”", "：", "，", "。", "；", "、", "！", "？", "\n", "\n\n", " ", "\u3000", "政法队伍教育整顿",
        "党史学习教育", "乡村振兴", "森林防灭火", "来源：", "2021-03-05 13:10", "原标题：", "阅读原文", "责任编辑：")
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates and controls too

any_text = st.text(ANY_CHAR, max_size=400)
cjk_text = st.lists(st.one_of(CJK, st.sampled_from(CUES), st.sampled_from(CUES)),
                    min_size=1, max_size=300).map("".join)
TAGS = ("<p>", "</p>", "<div class=article-content>", "</div>", "<br>", "<script>", "</script>", "<iframe>",
        "<h1>", "</h1>", "<title>", "</title>", "<!--", "-->", "<![CDATA[", "]]>", "&nbsp;", "&#0;", "&#xD800;",
        "<meta charset=gbk>", "<html>", "<body>", "<table><tr><td>", "<li>", "<nav>", "<a href='x'>", "</a>")
html_text = st.lists(st.one_of(st.sampled_from(TAGS), st.sampled_from(CUES), CJK), max_size=200).map(
    lambda parts: "<html><body>" + "".join(parts))


def _mutate(text: str, ops: list[tuple[int, float, float, float]]) -> str:
    """Delete, insert or duplicate slices: each op is (kind, where, length, source) with fractions in [0, 1)."""
    for kind, where, length, source in ops:
        n = len(text)
        if n == 0:
            break
        i = int(where * n)
        j = min(n, i + 1 + int(length * min(n, 400)))
        if kind == 0:        # delete a slice
            text = text[:i] + text[j:]
        elif kind == 1:      # duplicate a slice in place
            text = text[:j] + text[i:j] + text[j:]
        else:                # copy a slice from elsewhere to here
            k = int(source * n)
            text = text[:i] + text[k:k + (j - i)] + text[i:]
    return text


@st.composite
def mutated_dev_text(draw):
    texts = DEV
    if not texts:
        pytest.skip("../shared/eval/dev/texts is absent")
    base = draw(st.sampled_from(texts))
    frac = st.floats(0, 1, exclude_max=True)
    ops = draw(st.lists(st.tuples(st.integers(0, 2), frac, frac, frac), min_size=1, max_size=8))
    return _mutate(base, ops)


def _dev() -> list[str]:
    out = []
    for p in dev_texts():
        if p.suffix == ".txt":
            data = p.read_bytes()
            try:
                out.append(data.decode("utf-8"))
            except UnicodeDecodeError:
                out.append(data.decode("gb18030"))
    return out


DEV = _dev()
texts = st.one_of(any_text, cjk_text, mutated_dev_text()) if DEV else st.one_of(any_text, cjk_text)


def read(text: str) -> Document:
    """A Document, or a rejected example when the text is blank or only page chrome (by design)."""
    try:
        return Document.from_text(text, source="generated.txt")
    except InputError as e:
        assert "generated.txt" in str(e)
        assume(False)


def check_spans(doc: Document, x) -> None:
    for s in x.spans():
        assert 0 <= s.start <= s.end <= len(doc.text), s
        assert doc.text[s.start:s.end] == s.quote, s


# -- reading --------------------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.one_of(any_text, cjk_text))
def test_reading_text_gives_a_safe_document_or_an_input_error(text):
    try:
        doc = Document.from_text(text, source="t.txt", title=text[:30], publisher=text[-20:])
    except InputError as e:
        assert str(e).startswith("t.txt: ")
        return
    assert not UNSAFE.search(doc.text)
    for value in (doc.title, doc.publisher):
        assert value is None or (not UNSAFE.search(value) and "\n" not in value and value == value.strip())
    assert doc.id == content_id(doc.text)
    assert doc.text.endswith("\n") and "\n\n\n" not in doc.text
    doc.text.encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=600), any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 cjk_text.map(lambda t: t.encode("gb18030")), html_text.map(lambda t: t.encode("utf-8"))),
       st.sampled_from([None, "text/plain", "text/html"]))
def test_reading_bytes_gives_a_document_or_an_input_error(data, media_type):
    try:
        doc = Document.from_bytes(data, source="b.bin", media_type=media_type)
    except InputError as e:
        assert str(e).startswith("b.bin")
        return
    assert not UNSAFE.search(doc.text)
    doc.text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(html_text)
def test_reading_markup_gives_a_document_or_an_input_error(html):
    try:
        doc = Document.from_html(html, source="p.html")
    except InputError as e:
        assert str(e).startswith("p.html: ")
        return
    assert not UNSAFE.search(doc.text)


# -- extraction ------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(texts)
def test_extraction_never_raises_and_every_span_quotes_the_text(text):
    doc = read(text)
    check_spans(doc, extract(doc))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(html_text)
def test_extraction_of_markup_never_raises(html):
    try:
        doc = Document.from_html(html, source="p.html")
    except InputError:
        assume(False)
    check_spans(doc, extract(doc))


# -- the graph -------------------------------------------------------------------------------------------

def graph_of(text: str):
    from policykg.graph.build import build_graph
    doc = read(text)
    x = extract(doc)
    check_spans(doc, x)
    return build_graph([(doc, x)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(texts)
def test_turtle_parses_back_to_the_same_graph(text):
    from policykg.graph.turtle import to_turtle
    g = graph_of(text)
    ttl = to_turtle(g)
    back = Graph().parse(data=ttl, format="turtle")
    assert isomorphic(g, back)
    assert to_turtle(back) == ttl


# Validation takes about half a second a graph: few examples, and no shrinking (minutes), so a
# failure is reported as generated.
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.one_of(cjk_text, mutated_dev_text()) if DEV else cjk_text)
def test_graph_conforms_to_the_shapes(text):
    from policykg.ontology import validate
    result = validate(graph_of(text))
    assert result.conforms, result.text


@pytest.mark.parametrize("text", [
    "4月12日，珙县召开政法队伍教育整顿推进会，传达学习全省政法队伍教育整顿推进会议精神。",
    "珙县传达学习全省全推进会",  # the smallest text found
])
def test_meeting_held_in_an_upper_division_conforms(text):
    from policykg.ontology import validate
    result = validate(graph_of(text))
    assert result.conforms, result.text

"""Document: decoding, plain-text chrome removal, HTML extraction and metadata."""
from __future__ import annotations

import doctest
import hashlib
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.extract import document as document_module
from policykg.extract import html as html_module
from policykg.extract.document import Document, chrome_rules, clean_lines, decode, normalise_date
from policykg.extract.errors import InputError, InputNotFound, RuleError
from policykg.extract.html import parse_html

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "eval" / "dev"
needs_shared = pytest.mark.skipif(not (DEV / "texts").is_dir(), reason="../shared is absent")

CHROME_LINES = ("澎湃Logo", "下载客户端", "登录", "+1", "字号", "原标题", "阅读原文", "本文为", "收藏",
                "我要举报", "扫码下载", "ICP备", "公网安备", "许可证", "©", "反馈")


def lines_of(text: str) -> list[str]:
    return text.split("\n")


# -- the seed article (third-party text: read from ../shared, never copied) -------

@pytest.fixture(scope="module")
def seed_raw() -> str:
    path = DEV / "texts" / "seed.txt"
    if not path.is_file():
        pytest.skip("../shared/eval/dev/texts/seed.txt is absent")
    return path.read_text(encoding="utf-8")


def test_seed_starts_with_title_and_publish_lines(seed_raw):
    doc = Document.from_text(seed_raw, source="seed.txt")
    first = lines_of(doc.text)[:6]
    assert first == ["教育整顿十大专栏②:聚焦“怎么看”,明白“怎么干”,落实“谁来干”", "",
                     "2021-03-05 13:10", "来源:澎湃新闻·澎湃号·政务", "", "编者按:"]
    assert doc.title == "教育整顿十大专栏②:聚焦“怎么看”,明白“怎么干”,落实“谁来干”"
    assert doc.published == "2021-03-05T13:10"
    assert doc.year == 2021
    assert doc.publisher == "澎湃新闻·澎湃号·政务"
    assert doc.media_type == "text/plain"


def test_seed_keeps_every_body_paragraph_in_order(seed_raw):
    doc = Document.from_text(seed_raw)
    raw = [x.strip() for x in lines_of(seed_raw)]
    start = raw.index("编者按:")
    end = next(i for i, x in enumerate(raw) if "三篇文章" in x)
    body = [x for x in raw[start:end + 1] if x]
    assert len(body) > 25
    kept = [x for x in lines_of(doc.text) if x]
    pos = kept.index("编者按:")
    assert kept[pos:] == body  # the whole body, in order, and nothing after it
    assert doc.text.endswith("促进教育整顿成果长效化。\n")


def test_seed_comes_out_exactly(seed_raw):
    raw = lines_of(seed_raw)
    title = raw.index("教育整顿十大专栏②:聚焦“怎么看”,明白“怎么干”,落实“谁来干”")
    last = next(i for i, x in enumerate(raw) if x.endswith("促进教育整顿成果长效化。"))
    expected = [x for x in raw[title:last + 1] if x != "字号"]
    assert Document.from_text(seed_raw).text == "\n".join(expected) + "\n"


def test_seed_has_no_chrome_line_left(seed_raw):
    text = Document.from_text(seed_raw).text
    for line in lines_of(text):
        for chrome in CHROME_LINES:
            assert not line.startswith(chrome), line
    for chrome in ("澎湃Logo", "阅读原文", "原标题", "ICP备", "上海东方报业", "扫码下载", "仅代表"):
        assert chrome not in text
    assert "\n\n\n" not in text and not text.startswith("\n")


# -- dev14: GB18030 with 澎湃-style chrome -----------------------------------------

def test_dev14_gb18030_same_text_as_utf8(tmp_path):
    gb_path = FIXTURES / "dev14.txt"
    data = gb_path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")  # 4-byte GB18030 sequences: a GBK decoder is not enough
    utf8 = tmp_path / "dev14-utf8.txt"
    utf8.write_bytes(data.decode("gb18030").encode("utf-8"))
    gb, u8 = Document.from_path(gb_path), Document.from_path(utf8)
    assert gb.encoding == "gb18030" and u8.encoding == "utf-8"
    assert gb.text == u8.text and gb.id == u8.id
    assert gb.source == str(gb_path)


def test_dev14_metadata_and_chrome():
    doc = Document.from_path(FIXTURES / "dev14.txt")
    assert doc.title == "桂东县:全力以赴打好清明节森林防灭火攻坚战"
    assert doc.published == "2021-04-02T10:15"
    assert doc.publisher == "澎湃新闻·澎湃号·政务"
    ls = lines_of(doc.text)
    assert ls[:3] == ["桂东县:全力以赴打好清明节森林防灭火攻坚战", "", "2021-04-02 10:15 来源：澎湃新闻·澎湃号·政务"]
    assert ls[-2] == "会上,沤江镇、沙田镇、四都镇主要负责同志作表态发言。"
    for chrome in ("桂东融媒", "李婷", "陈志华", "原标题", "阅读原文", "字号", "沪ICP备", "©"):
        assert chrome not in doc.text
    # half-width punctuation inside lines is kept as written
    assert "4月1日上午,桂东县召开全县森林防灭火工作会议," in doc.text


# -- dev13: an HTML page ------------------------------------------------------------

def dev13_paragraphs() -> list[str]:
    raw = (FIXTURES / "dev13.html").read_text(encoding="utf-8")
    content = raw[raw.index('<div class="article-content">'):raw.index('<div class="article-share">')]
    return [htmllib.unescape(p).lstrip("\u2003") for p in re.findall(r"<p>(.*?)</p>", content)]


def test_dev13_html_metadata():
    doc = Document.from_path(FIXTURES / "dev13.html")
    assert doc.media_type == "text/html" and doc.encoding == "utf-8"
    assert doc.title == "旌德县召开2021年林长制工作会议"
    assert doc.published == "2021-03-12T09:30"
    assert doc.publisher == "县林业局"


def test_dev13_html_article_text():
    doc = Document.from_path(FIXTURES / "dev13.html")
    paras = dev13_paragraphs()
    assert len(paras) == 7
    assert doc.text == "\n\n".join(["旌德县召开2021年林长制工作会议",
                                    "发布时间：2021-03-12 09:30 来源：县林业局", *paras]) + "\n"
    for chrome in ("相关文章", "绩溪县", "备案号", "doSearch", "setFont", "浏览次数", "字号", "分享到",
                   "打印本页", "当前位置", "首页", "欢迎访问", "hm.baidu", "\u2003"):
        assert chrome not in doc.text


def test_dev13_html_sniffed_without_suffix(tmp_path):
    p = tmp_path / "page"
    p.write_bytes((FIXTURES / "dev13.html").read_bytes())
    doc = Document.from_path(p)
    assert doc.media_type == "text/html"
    assert doc.text == Document.from_path(FIXTURES / "dev13.html").text


def synthetic_page(text: str) -> str:
    """An HTML page around a plain-text dev article, with the usual government-site chrome."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    title, pub, body = paras[0], paras[1], paras[2:]
    date, _, src = pub.partition("\u3000")
    ps = "\n".join(f"<p>&emsp;&emsp;{htmllib.escape(p)}</p>" for p in body)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{htmllib.escape(title)}_要闻_某市人民政府</title>
<meta property="og:title" content="{htmllib.escape(title)}"><meta name="publishdate" content="{date}">
<meta name="SiteName" content="某市人民政府"><link rel="canonical" href="https://example.gov.cn/a/1.html">
<style>.x {{ color: red }}</style><script>var kw = "脚本里的字不应出现";</script></head><body>
<div class="header"><div class="logo"><img alt="某市人民政府"></div></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/x">新闻中心</a></li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; 要闻</div>
<div class="article"><h1>{htmllib.escape(title)}</h1>
<div class="article-info"><span>发布时间：{date}</span> <span>{htmllib.escape(src)}</span> <span>浏览次数：12</span></div>
<div id="zoom">{ps}</div>
<div class="article-share">分享到：<a>微信</a></div></div>
<div class="related-list"><h3>相关文章</h3><ul><li><a>绩溪县召开安全生产工作会议</a></li></ul></div>
<div class="footer"><p>版权所有：某市人民政府 备案号：皖ICP备05003812号-1</p></div>
<iframe src="/ad">iframe 里的字</iframe><script>function doSearch() {{}}</script></body></html>"""


def test_generated_html_matches_plain_text():
    plain = Document.from_path(FIXTURES / "dev05.txt")
    doc = Document.from_html(synthetic_page((FIXTURES / "dev05.txt").read_text(encoding="utf-8")),
                             source="dev05.html")
    assert doc.text.split("\n\n")[2:] == plain.text.split("\n\n")[2:]
    assert doc.text.split("\n\n")[1] == "发布时间：2021-07-07 07:30 来源：岳阳日报"
    assert doc.title == plain.title
    assert doc.published == plain.published == "2021-07-07T07:30"
    assert doc.publisher == "岳阳日报"
    assert doc.url == "https://example.gov.cn/a/1.html"
    for chrome in ("脚本里的字", "iframe", "相关文章", "绩溪县", "备案号", "首页", "浏览次数", "分享到", "doSearch"):
        assert chrome not in doc.text


def test_html_with_only_scripts_has_no_body():
    page = ("<html><head><title>x</title><script>var a = '会议指出，要抓落实。会议强调，要抓落实。';</script>"
            "</head><body><script>doSearch()</script><iframe src='x'></iframe>"
            "<nav><a>首页</a> <a>新闻中心</a></nav></body></html>")
    with pytest.raises(InputError, match="no article body found") as e:
        Document.from_html(page, source="scripts.html")
    assert "scripts.html" in str(e.value)


def test_html_declared_charset_and_br_lines():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            "<title>某县召开会议_要闻_某县人民政府</title></head><body><div class=nav><a>首页</a></div>"
            "<div><div>&nbsp;&nbsp;会议指出，要抓落实。<br>会议强调，要　加强领导。</div></div></body></html>")
    doc = Document.from_bytes(page.encode("gbk"), source="g.htm")
    assert doc.encoding == "gbk" and doc.media_type == "text/html"
    assert doc.title == "某县召开会议"
    assert doc.text == "会议指出，要抓落实。\n会议强调，要　加强领导。\n"  # the U+3000 inside the line stays


def test_parse_html_keeps_script_text_out():
    parts = parse_html("<html><body><div class='article-content'><p>正文。<script>evil()</script>续。</p>"
                       "<style>p{}</style></div></body></html>")
    assert parts.blocks == ("正文。续。",)


# -- encodings and bad input ----------------------------------------------------------

SAMPLE = "某县召开会议\n\n2021-03-05 13:10　来源：某县融媒\n\n会议指出，要抓落实。\n"


@pytest.mark.parametrize("data, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("utf-16"), "utf-16"),  # with a BOM
    (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16"),
    (SAMPLE.encode("gb18030"), "gb18030"),
])
def test_encodings(tmp_path, data, encoding):
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    doc = Document.from_path(p)
    assert doc.encoding == encoding
    assert doc.text == SAMPLE
    assert doc.published == "2021-03-05T13:10" and doc.publisher == "某县融媒"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b" \n\t\r\n\xe3\x80\x80\n", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "PNG"),
    (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
    (b"%PDF-1.7\n", "PDF"),
    (b"text\x00with NUL", "NUL"),
    (b"caf\xe9 au lait \xff", "not UTF-8"),
])
def test_bad_input_names_the_file(tmp_path, data, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=reason) as e:
        Document.from_path(p)
    assert str(p) in str(e.value)
    assert isinstance(e.value, ValueError)


def test_undecodable_gives_first_utf8_error_offset():
    with pytest.raises(InputError) as e:
        decode(b"abc \xe9 def \xff", "x.txt")
    assert e.value.offset == 4
    assert "x.txt (offset 4)" in str(e.value)


def test_missing_path():
    with pytest.raises(InputNotFound) as e:
        Document.from_path("/nonexistent/dir/article.txt")
    assert isinstance(e.value, FileNotFoundError)
    assert "/nonexistent/dir/article.txt" in str(e.value)


def unprivileged(cmd: list[str]) -> list[str]:
    """``cmd`` run so that file permissions apply: as root, without the capabilities that bypass them."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is absent: no way to make a file unreadable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *cmd]


def test_directory(tmp_path):
    with pytest.raises(InputError, match="directory"):
        Document.from_path(tmp_path)


def test_unreadable_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text(SAMPLE, encoding="utf-8")
    p.chmod(0)
    code = ("import sys\nfrom policykg.extract.document import Document\n"
            "try:\n    Document.from_path(sys.argv[1])\nexcept Exception as e:\n"
            "    print(type(e).__name__, e)\nelse:\n    print('READ')")
    r = subprocess.run(unprivileged([sys.executable, "-c", code, str(p)]), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"InputError {p}: permission denied"


def test_only_chrome_is_an_error():
    with pytest.raises(InputError, match="no article text"):
        Document.from_text("澎湃Logo\n下载客户端\n登录\n", source="chrome.txt")


# -- ids and explicit metadata ----------------------------------------------------------

def test_id_is_stable_content_hash():
    a = Document.from_text(SAMPLE, source="a.txt")
    b = Document.from_text(SAMPLE.replace("\n", "\r\n"), source="b.txt", title="另一个标题")
    assert a.id == b.id == hashlib.sha256(a.text.encode("utf-8")).hexdigest()[:16]
    assert Document.from_text(SAMPLE + "会议强调，要加强领导。\n").id != a.id


def test_id_known_value():
    # Changing how text is cleaned changes ids: this pins the current behaviour.
    assert Document.from_text("  会议指出，要抓落实。\r\n\r\n").id == "147db4e77f828f19"


def test_explicit_values_win():
    doc = Document.from_text(SAMPLE, published="2021-03-06", title="T", publisher="P", url="https://x.cn/1")
    assert (doc.published, doc.title, doc.publisher, doc.url) == ("2021-03-06", "T", "P", "https://x.cn/1")
    assert Document.from_text(SAMPLE, published="2021年3月7日").published == "2021-03-07"
    assert Document.from_text(SAMPLE).published == "2021-03-05T13:10"
    with pytest.raises(InputError, match="not a date"):
        Document.from_text(SAMPLE, published="yesterday")
    assert Document.from_path(FIXTURES / "dev13.html", published="2021-03-05").published == "2021-03-05"


def test_year_and_no_date():
    doc = Document.from_text("某县召开会议\n\n3月5日上午，某县召开会议。\n")
    assert doc.published is None and doc.year is None
    assert doc.title == "某县召开会议"


@pytest.mark.parametrize("line, published, publisher", [
    ("来源：修水县融媒体中心　　发布时间：2024-03-08", "2024-03-08", "修水县融媒体中心"),
    ("作者：张三 | 发布日期：2024年3月8日 10:20", "2024-03-08T10:20", None),
    ("2024-03-08 来源：新华网", "2024-03-08", "新华网"),
])
def test_publish_line_with_its_date_after_other_fields(line, published, publisher):
    doc = Document.from_text(f"某县召开推进会\n\n{line}\n\n会议指出，要抓落实。\n")
    assert (doc.published, doc.publisher) == (published, publisher)


def test_body_date_is_not_the_publish_date():
    doc = Document.from_text("某区召开推进会\n\n2021年3月5日上午，某区召开推进会，部署重点任务。\n")
    assert doc.published is None


@pytest.mark.parametrize("value, expected", [
    ("2021-03-12 09:30", "2021-03-12T09:30"),
    ("2021-03-12T09:30:00+08:00", "2021-03-12T09:30"),
    ("2021/3/5", "2021-03-05"),
    ("2021年3月5日 08:05", "2021-03-05T08:05"),
    ("发布时间：2021-03-12 09:30", "2021-03-12T09:30"),
    ("2021-13-40", None),
    ("", None),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


# -- normalisation ------------------------------------------------------------------------

def test_line_normalisation_changes_nothing_inside_lines():
    raw = "\ufeff  标题:一\r\n\r\n\r\n\u3000\u3000正文,半角:标点;保留。  \r\u00a0\u2003第二段　中间的全角空格。\t\n\n\n\n"
    assert clean_lines(raw) == ["标题:一", "", "正文,半角:标点;保留。", "第二段　中间的全角空格。"]


def test_stop_above_body_drops_only_its_line():
    text = "某县召开会议\n原标题：《某县召开全县会议》\n\n会议指出，要抓落实。\n\n原标题：《尾》\n\n阅读原文\n尾巴。\n"
    assert Document.from_text(text).text == "某县召开会议\n\n会议指出，要抓落实。\n"


def test_credit_lines_are_dropped():
    text = "标题行\n\n会议指出，要抓落实。\n\n(来源:桂东融媒 编辑:李婷 审核:陈志华)\n责任编辑：张三\n"
    assert Document.from_text(text).text == "标题行\n\n会议指出，要抓落实。\n"


def test_a_wechat_tail_of_earlier_posts_is_cut():
    text = ("某县召开会议\n\n会议指出，要抓落实。\n\n往期推荐\n▶ 某县委理论学习中心组召开集中学习会\n"
            "▶ 某镇推动乡村振兴\n\n分享　收藏　点赞　在看\n")
    assert Document.from_text(text).text == "某县召开会议\n\n会议指出，要抓落实。\n"
    assert "点赞" not in Document.from_text("标题行\n\n会议指出，要抓落实。\n\n分享 收藏 点赞 在看\n").text


def test_body_sentences_mentioning_chrome_words_stay():
    body = ["会议要求，要分享经验、收藏典型，办理许可证要提速。", "编辑部、审核组要加强协作。", "字号老店要守正创新。"]
    text = "标题行\n\n" + "\n\n".join(body) + "\n"
    assert Document.from_text(text).text == text


def test_markdown_heading_is_the_title(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("# 某县召开会议 #\n\n2021年3月5日 来源：某县融媒\n\n## 一、总体要求\n\n会议指出，**要**抓落实。\n",
                 encoding="utf-8")
    doc = Document.from_path(p)
    assert doc.media_type == "text/markdown"
    assert doc.title == "某县召开会议" and doc.published == "2021-03-05" and doc.publisher == "某县融媒"
    assert doc.text == "某县召开会议\n\n2021年3月5日 来源：某县融媒\n\n一、总体要求\n\n会议指出，**要**抓落实。\n"


# -- the clean dev texts pass through unchanged ----------------------------------------------

@needs_shared
@pytest.mark.parametrize("stem", [f"dev{i:02d}" for i in range(1, 13)])
def test_clean_dev_texts_unchanged(stem):
    raw = (DEV / "texts" / f"{stem}.txt").read_text(encoding="utf-8")
    doc = Document.from_path(DEV / "texts" / f"{stem}.txt")
    assert doc.text == raw
    gold = json.loads((DEV / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    assert (doc.published or "")[:10] == (gold["publish_date"] or "")


# -- rules and docs ------------------------------------------------------------------------------

def test_rule_files_load():
    kinds = {r.kind for r in chrome_rules()}
    assert kinds == {"drop", "stop", "published", "publisher"}
    assert html_module.rules().body


def test_broken_chrome_rules_are_reported_with_line(tmp_path):
    p = tmp_path / "chrome.tsv"
    p.write_text("id\tkind\tpattern\nok\tdrop\t^x$\nbad\tdrop\t(\nw\tweird\tx\nd\tpublished\t\\d+\n",
                 encoding="utf-8")
    with pytest.raises(RuleError) as e:
        chrome_rules(str(p))
    assert len(e.value.errors) == 3
    assert f"{p}:3" in str(e.value) and f"{p}:4" in str(e.value) and f"{p}:5" in str(e.value)


@pytest.mark.parametrize("module", [document_module, html_module])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# -- damaged, hostile and oversized input -------------------------------------------------------

ARTICLE = (FIXTURES / "dev05.txt").read_text(encoding="utf-8")


def test_a_few_invalid_utf8_bytes_are_replaced_and_reported():
    good = ARTICLE.encode("utf-8")
    cut = good.index("。".encode("utf-8")) + 3          # just after the first full stop
    damaged = good[:cut] + b"\xff\xfe" + good[cut:-1] + "会".encode("utf-8")[:2]  # + a character cut in two
    doc = Document.from_bytes(damaged, source="damaged.txt")
    assert doc.encoding == "utf-8"
    assert doc.text.count("\ufffd") == 3  # \xff, \xfe and the cut character
    assert doc.text.replace("\ufffd", "") == Document.from_text(ARTICLE.rstrip("\n") + "\n").text.rstrip("\n") + "\n"
    assert doc.warnings == (f"3 invalid UTF-8 byte sequence(s) replaced with U+FFFD (first at byte {cut})",)


def test_text_in_another_encoding_is_not_taken_for_damaged_utf8():
    latin1 = ("Le conseil s'est réuni à Genève; décisions adoptées. " * 20).encode("latin-1")
    with pytest.raises(InputError, match=r"not UTF-8 \(invalid byte 0xe9\) and not GB18030") as e:
        Document.from_bytes(latin1, source="latin1.txt")
    assert e.value.offset == latin1.index(b"\xe9")
    gbk = Document.from_bytes(ARTICLE.encode("gbk"), source="gbk.txt")  # no declaration anywhere
    assert gbk.encoding == "gb18030" and gbk.warnings == ()
    assert gbk.text == Document.from_text(ARTICLE).text


def test_truncated_utf16_is_repaired():
    data = ARTICLE.encode("utf-16")[:-1]
    doc = Document.from_bytes(data, source="cut16.txt")
    assert doc.encoding == "utf-16" and doc.text.endswith("\ufffd\n")
    assert doc.warnings and "invalid UTF-16 byte sequence" in doc.warnings[0]


# removed; vertical tab, form feed and NEL (U+0085) become line breaks instead
UNSAFE = "".join(chr(c) for c in [*range(0, 9), *range(0x0E, 0x20), *range(0x7F, 0xA0)] if c != 0x85) + "\ufffe\uffff"


def test_controls_and_surrogates_never_reach_the_text():
    text = f"某县召开会议\n\n会议指出，{UNSAFE}要抓落实\ud800。\x0c会议强调，要加强领导。\n"
    doc = Document.from_text(text, source="hostile.txt")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", doc.text)
    assert "会议指出，要抓落实\ufffd。\n会议强调，要加强领导。" in doc.text  # form feed: a line break
    assert doc.text.encode("utf-8")  # encodable
    assert doc.warnings == ("61 control character(s) removed", "1 lone surrogate(s) replaced with U+FFFD")


def test_metadata_is_one_safe_line():
    doc = Document.from_text(SAMPLE, title="标题\n第二行\t\x00", publisher=" 某县\r\n融媒 ",
                             url="https://x.cn/a b\n", source="a\nb.txt")
    assert (doc.title, doc.publisher, doc.url) == ("标题 第二行", "某县 融媒", "https://x.cn/a b")
    assert doc.source == "a\\nb.txt"
    assert Document.from_text(SAMPLE, title=" \n\t").title == "某县召开会议"  # blank: read from the text


def test_source_names_that_are_not_utf8(tmp_path):
    name = os.fsdecode(b"\xbb\xe1\xd2\xe9 \xb1\xa8.txt")  # GBK bytes in a UTF-8 file system
    p = tmp_path / name
    p.write_text(SAMPLE, encoding="utf-8")
    doc = Document.from_path(p)
    assert doc.source.endswith("\\xbb\\xe1\\xd2\\xe9 \\xb1\\xa8.txt")
    doc.source.encode("utf-8")
    (tmp_path / os.fsdecode(b"\xff.txt")).write_bytes(b"")
    with pytest.raises(InputError) as e:
        Document.from_path(tmp_path / os.fsdecode(b"\xff.txt"))
    str(e.value).encode("utf-8")
    assert "\\xff.txt: empty file" in str(e.value)


def test_oversized_input_is_refused_unread(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:  # sparse: the size is real, the disk is not used
        f.truncate(document_module.MAX_BYTES + 1)
    with pytest.raises(InputError, match=r"file too large: 67,108,865 bytes, over the limit of 67,108,864") as e:
        Document.from_path(p)
    assert str(p) in str(e.value)
    with pytest.raises(InputError, match="file too large"):
        Document.from_bytes(SAMPLE.encode("utf-8"), source="s.txt", max_bytes=10)
    with pytest.raises(InputError, match="file too large: more bytes"):  # a device that never ends
        Document.from_path("/dev/zero", max_bytes=1000)
    assert Document.from_path(FIXTURES / "dev05.txt", max_bytes=None).text


def test_overlong_article_is_refused_before_extraction():
    text = "某县召开会议\n\n" + "会议指出，要抓落实。\n" * 200
    with pytest.raises(InputError, match=r"article text too long: more than 1,000 characters, the limit "
                                         r"\(2,208 characters before cleaning\)") as e:
        Document.from_text(text, source="long.txt", max_chars=1000)
    assert "long.txt" in str(e.value)
    assert len(Document.from_text(text, max_chars=None).text) == 2208
    page = "<html><body><div class=article-content>" + "<p>会议指出，要抓落实。</p>" * 200 + "</div></body></html>"
    with pytest.raises(InputError, match="article text too long"):
        Document.from_html(page, source="long.html", max_chars=1000)


def test_links_that_lead_nowhere(tmp_path):
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    with pytest.raises(InputError, match="symbolic link loop") as e:
        Document.from_path(tmp_path / "loop.txt")
    assert str(tmp_path / "loop.txt") in str(e.value)
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    with pytest.raises(InputNotFound, match="broken symbolic link"):
        Document.from_path(tmp_path / "gone.txt")


PARA = "<p>会议指出，要抓好学习教育、查纠整改、总结提升三个环节。</p>"


def test_deeply_nested_html():
    deep = "<html><body>" + "<div>" * 1500 + PARA + "</div>" * 1500 + "</body></html>"
    assert Document.from_html(deep).text == "会议指出，要抓好学习教育、查纠整改、总结提升三个环节。\n"  # no RecursionError
    too_deep = "<html><body>" + "<div>" * 5000 + PARA + "</div>" * 5000 + "</body></html>"
    with pytest.raises(InputError, match=r"no article body found \(the HTML parser stopped at line 1, "
                                         r"column \d+: Excessive depth in document: 2048\)"):
        Document.from_html(too_deep, source="deep.html")
    after = "<html><body><div class=article-content>" + PARA + "</div>" + "<div>" * 5000 + "</body></html>"
    doc = Document.from_html(after, source="after.html")
    assert doc.text == "会议指出，要抓好学习教育、查纠整改、总结提升三个环节。\n"
    assert doc.warnings and "the rest of the page is lost" in doc.warnings[0]


def test_html_text_node_over_ten_megabytes_is_read_whole():
    page = "<html><body><div class=article-content><p>" + "会议指出，要抓落实。" * 400_000 + "</p></div></body></html>"
    doc = Document.from_html(page, max_chars=None)
    assert len(doc.text) == 4_000_001


def test_many_chrome_elements():
    page = ("<html><body>" + "<div class=nav><a>首页</a></div>" * 20_000
            + "<div>" + PARA * 3 + "</div></body></html>")
    assert Document.from_html(page).text.count("三个环节") == 3


def test_html_controls_entities_and_injected_markup():
    page = ("<html><head><title>标题&#1;\n第二行</title></head><body><div class=article-content>"
            "<p>&#0;会议\x01指出&#xD800;，要抓落实。&lt;script&gt;alert(1)&lt;/script&gt;\x0c会议强调，要加强领导。</p>"
            "<script>document.write('注入')</script><iframe srcdoc='<p>框里的字</p>'></iframe>"
            "<p onclick=\"x()\">会议要求，要压实责任。<img src=x onerror=alert(1)></p></div></body></html>")
    doc = Document.from_html(page, source="inject.html")
    assert doc.title == "标题 第二行"
    # markup written as text stays text; a form feed is HTML white space
    assert doc.text == ("\ufffd会议指出\ufffd，要抓落实。<script>alert(1)</script> 会议强调，要加强领导。"
                        "\n\n会议要求，要压实责任。\n")
    assert "注入" not in doc.text and "框里的字" not in doc.text

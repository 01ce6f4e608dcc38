"""Rules are data: validated at load with every error at once, and extended by one line."""
from __future__ import annotations

import shutil

import pytest

from policykg.extract.document import Document
from policykg.extract.errors import RuleError
from policykg.extract.explain import explain
from policykg.extract.pipeline import extract
from policykg.extract.ruleset import RULES_DIR, RuleSet


@pytest.fixture
def rules_copy(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(RULES_DIR, d)
    return d


def add_line(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_bad_rule_files_fail_with_every_error_and_its_line(rules_copy):
    add_line(rules_copy / "verbs.tsv", "verb.zhichu\t指出")                 # duplicate id
    add_line(rules_copy / "heads.tsv", "head.bad\t清单\tNoSuchCategory\tyes")  # bad category
    add_line(rules_copy / "heads.tsv", "head.x\t\tTask\tmaybe")              # empty head, bad yes/no
    add_line(rules_copy / "boilerplate.tsv", "bp.bad\tmeeting\t(unclosed")   # invalid regex
    add_line(rules_copy / "classifiers.tsv", "bad id\t项")                   # invalid id
    with pytest.raises(RuleError) as e:
        RuleSet.load(rules_copy)
    errors = e.value.errors
    assert len(errors) >= 5
    text = "\n".join(errors)
    n_verbs = len((rules_copy / "verbs.tsv").read_text(encoding="utf-8").splitlines())
    assert f"verbs.tsv:{n_verbs}: duplicate rule id 'verb.zhichu'" in text
    assert "heads.tsv:" in text and "NoSuchCategory" in text and "'maybe'" in text
    assert "boilerplate.tsv:" in text and "not a valid regular expression" in text
    assert "classifiers.tsv:" in text and "invalid rule id" in text


def test_missing_column_is_reported(rules_copy):
    (rules_copy / "titles.tsv").write_text("id\tname\nt.1\t书记\n", encoding="utf-8")
    with pytest.raises(RuleError) as e:
        RuleSet.load(rules_copy)
    assert any("titles.tsv:1: header lacks column(s) word" in err for err in e.value.errors)


def test_a_cue_verb_is_one_line(rules_copy):
    text = "岷县召开乡村振兴工作会议。\n会议倡议，全县上下要行动起来。"
    assert extract(Document.from_text(text), rules=RuleSet.load(rules_copy)).statements == ()
    add_line(rules_copy / "verbs.tsv", "verb.changyi\t倡议")
    sts = extract(Document.from_text(text), rules=RuleSet.load(rules_copy)).statements
    assert [(s.verb, s.span.rule) for s in sts] == [("倡议", "verb.changyi")]


def test_a_head_noun_is_one_line(rules_copy):
    text = "要抓好项目建设、招商引资、营商环境三个战场。"
    assert extract(Document.from_text(text), rules=RuleSet.load(rules_copy)).formulations == ()
    add_line(rules_copy / "heads.tsv", "head.zhanchang\t战场\tOther\tyes")
    (f,) = extract(Document.from_text(text), rules=RuleSet.load(rules_copy)).formulations
    assert (f.label, f.category, [i.label for i in f.items]) == ("三个战场", "Other", ["项目建设", "招商引资", "营商环境"])


def test_a_lexicon_entry_is_one_line(rules_copy):
    text = "坚持“三个务必”。"
    (f,) = extract(Document.from_text(text), rules=RuleSet.load(rules_copy)).formulations
    assert f.lexicon_items == ()
    add_line(rules_copy / "lexicon.tsv", "lx.sangewubi\t三个务必\tCommitment\t务必不忘初心、牢记使命|务必谦虚谨慎、艰苦奋斗|务必敢于斗争、善于斗争")
    (f,) = extract(Document.from_text(text), rules=RuleSet.load(rules_copy)).formulations
    assert [i.label for i in f.lexicon_items][0] == "务必不忘初心、牢记使命"


def test_explain_lists_hits_and_unclaimed_sentences():
    doc = Document.from_text("岷县召开乡村振兴工作会议。\n县级领导参加会议。\n会议强调，要抓好三个环节。")
    e = explain(doc)
    assert "verb.qiangdiao" in e.hits and "ms.gzhy" in e.hits
    assert [u.text for u in e.unclaimed] == ["县级领导参加会议。"]
    assert "unclaimed cue sentences: 1" in e.format()

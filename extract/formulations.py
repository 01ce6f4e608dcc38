"""Numbered formulations (提法): a count word, a classifier and a head noun, with their items.

Matching anchors on the count word (Chinese numerals with 两 and 〇, or digits)
followed by a classifier from the rules; the head noun runs to the closing
quote or to the end of the clause. Items come from the same sentence: the
、-separated list (or the run of quoted segments) just before the label, or,
when the label comes first (“四个不摘”要求，做到…), the list in the next clause.
The leading verbs that introduce a list are trimmed from its first item.
A declared count that differs from the items listed is kept as declared and
flagged (:attr:`Formulation.count_mismatch`).
"""
from __future__ import annotations

import re
from bisect import bisect_right

from .facts import Formulation, Item, Span
from .numerals import NUMERAL_CHARS, cn_to_int
from .ruleset import RuleSet, any_of
from .text import Breaks

_QUOTES_OPEN = "“‘《"
_QUOTES_CLOSE = "”’》"
_QUOTE_MARKS = "“”‘’\"'《》「」『』"
_STRIP_QUOTES = str.maketrans("", "", _QUOTE_MARKS)
_QUOTE_MARK = re.compile(f"[{re.escape(_QUOTE_MARKS)}]")
_CLAUSE = Breaks("，。；：！？\n（）")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]*")
# the word that joins the last two items of a list (A、B和C); not 及时, 参与, 与会
_LAST_JOIN = re.compile(r"以及|和|及(?!时)|(?<!参)与(?!会)")
_SHORT_HEAD = re.compile(r"[\u4e00-\u9fff]{1,4}(?![\u4e00-\u9fff])")
_QUOTED = re.compile(r"“([^“”]+)”")
_QUOTED_RUN_AT_END = re.compile(r"“[^“”]+”、?(?:“[^“”]+”、?)+$")    # two or more (a leading “ is found fast)
_QUOTED_LIST_AT_END = re.compile(r"“([^“”]+、[^“”]+)”$")
_QUOTE_PAIR_AT_END = re.compile(r"”、?“[^“”]+”$")
_QUOTED_ENDINGS = ("”", "”、")     # how the text before a label ends when those quoted forms can match
_LIST_LEAD = re.compile(r"”?[\u4e00-\u9fff]{0,6}?(?:，(?:即|就是|也就是|做到|包括|具体是|分别是|主要是)|：)")


class _Tables:
    """What the rules give formulations, gathered once per rule set (see :meth:`RuleSet.derived`)."""

    def __init__(self, rules: RuleSet):
        self.label = _label_pattern(rules)
        self.heads = rules.heads
        self.head_len = max(map(len, rules.heads), default=0)
        self.lexicon = rules.lexicon
        # the exclusions of each kind as one pattern, with what they read, as _excluded gathers them: the
        # head, the three characters before the label, the label, the four characters after it
        reads = ("head", "before", "label", "after")
        self.excluded = tuple((k, any_of(rx.pattern for _rid, kind, rx in rules.exclusions if kind == read))
                              for k, read in enumerate(reads)
                              if any(kind == read for _rid, kind, _rx in rules.exclusions))
        self.introducer = rules.pattern("introducer")
        self.introducer_run = rules.pattern("introducer_run")


def _head_category(tables: _Tables, head: str):
    """(rule id, category, accepted unquoted) for the longest listed head the head ends with."""
    heads = tables.heads
    for k in range(max(0, len(head) - tables.head_len), len(head)):
        hit = heads.get(head[k:])
        if hit:
            return hit
    return None


def _head_within(tables: _Tables, head: str, limit: int):
    """(k, what :func:`_head_category` gives for ``head[:k]``) for the longest ``head[:k]``, k <= ``limit``,
    that ends with a listed head; else (None, None)."""
    heads, longest = tables.heads, tables.head_len
    for j in range(min(len(head), limit), 0, -1):
        for k in range(max(0, j - longest), j):
            hit = heads.get(head[k:j])
            if hit:
                return j, hit
    return None, None


def _label_pattern(rules: RuleSet) -> re.Pattern:
    cls = rules.pattern("classifier").pattern
    n = re.escape(NUMERAL_CHARS)
    # the count word: one to three numerals, not right after another one, never starting with 一/〇/零
    # (一把手, 一件事). Its first numeral is matched before those checks (as lookbehinds), so that the
    # pattern starts with a character set and a scan skips the other characters quickly.
    return re.compile(rf"(?P<num>[{n}](?<![{n}][{n}])(?<![一〇零])[{n}]{{0,2}})(?P<cls>{cls})"
                      rf"(?P<head>[\u4e00-\u9fff]{{1,8}})")


def find_formulations(text: str, s: str, rules: RuleSet, sentences, locate=None) -> list[Formulation]:
    """Every formulation, in text order. ``sentences`` are segments over ``s``; ``locate(offset)``,
    when given, names the statement and the meeting whose part of the text holds an offset."""
    out: list[Formulation] = []
    tables = rules.derived(_Tables)
    starts = [sent.start for sent in sentences]
    for m in tables.label.finditer(s):
        k = bisect_right(starts, m.start()) - 1
        if k < 0:
            continue
        sent = sentences[k]
        if not sent.start <= m.start() < sent.end:
            continue
        f = _formulation(text, s, tables, m, sent.start, sent.end, locate)
        if f is not None:
            out.append(f)
    return out


def _excluded(tables: _Tables, s: str, start: int, end: int, head: str) -> bool:
    read = (head, s[max(0, start - 3):start], s[start:end], s[end:end + 4])
    for k, rx in tables.excluded:
        if rx.search(read[k]):
            return True
    return False


def _formulation(text, s, tables, m, sa, sb, locate=None):
    num, head = m.group("num"), m.group("head")
    start = m.start()
    # a numeral inside a longer word (进一步, 第一) or a Chinese numeral string that is not one
    if start > sa and s[start - 1] in NUMERAL_CHARS:
        return None
    count = cn_to_int(num)
    if count is None or count < 2 or num.startswith(("一", "〇", "零")):
        return None
    cls_end = m.end("cls")
    open_q = s.rfind("“", sa, start)
    quoted = open_q != -1 and s.find("”", open_q, start) == -1
    # the head runs to the closing quote when quoted, else as far as a listed head noun reaches
    if quoted:
        close = s.find("”", cls_end, sb)
        inner = s[cls_end:close] if close != -1 else head
        head = _HAN_RUN.match(inner).group()
        if not head or len(head) > 8:
            return None
        end = cls_end + len(head)
        # “两个坚持、三个转变”: the quote closes after a second formulation, not after this one
        head_rule = _head_category(tables, head)
        if close == -1 or end != close:
            if head_rule is None:
                return None
        category = head_rule[1] if head_rule else "Other"
        after = s[end + 1:end + 4] if end == close else s[end:end + 3]
        hit = _head_category(tables, _HAN_RUN.match(after).group()[:2]) if after else None
        if hit and hit[1] == "Goal" and category in ("Other", "Goal"):
            category = "Goal"
        elif category == "Other" and after.startswith(("要求",)) and head_rule is None:
            category = "Requirement"
    else:
        k, head_rule = _head_within(tables, head, 7)
        accepted, category = (head_rule[2], head_rule[1]) if head_rule else (True, "Other")
        if k is None and s.endswith(_QUOTED_ENDINGS, sa, start) and _QUOTED_RUN_AT_END.search(s, sa, start):
            # items in quotes right before the label: any short head (“入山关”“进林关”“用火关”三道关口)
            hm = _SHORT_HEAD.match(head + "，")
            if hm:
                k = len(hm.group())
        if k is None or "的" in head[:k] or k > 6 or not accepted:
            return None
        head = head[:k]
        end = cls_end + k
    if _excluded(tables, s, start, end, head):
        return None
    label_s = s[start:end]
    label = text[start:end]
    span_start = start - 1 if quoted and s[start - 1] in _QUOTES_OPEN else start
    span_end = end + 1 if quoted and end < len(s) and s[end] == "”" else end
    items = _items_before(text, s, tables, span_start, sa, count)
    rule = head_rule[0] if head_rule else ("formulation.quoted" if quoted else "formulation.plain")
    if not items:
        items = _items_after(text, s, tables, span_end, sb, count)
        if items and not head_rule:
            rule = "formulation.label_first"
    lex = tables.lexicon.get(label_s)
    if not items and not quoted and lex is None and category not in ("Commitment", "Requirement"):
        return None     # 完成三项工作: a count in running prose, neither a slogan nor a list
    key_items = "、".join([item_label for item_label, _span in items])
    typed = tuple([Item(f"{category}|{item_label}", item_label, category, span) for item_label, span in items])
    lexicon_items = ()
    if lex and not items:
        span = Span(start, end, label, lex[0])
        lexicon_items = tuple([Item(f"{category}|{w}", w, category, span, True) for w in lex[2]])
    statement, meeting = locate(start) if locate else (None, None)
    return Formulation(key=f"{category}|{label_s}|{key_items}", label=label, count=count, category=category,
                       items=typed, span=Span(start, end, label, rule), lexicon_items=lexicon_items,
                       statement=statement, meeting=meeting)


def _unquote(t: str) -> str:
    # (most items hold no quotation mark: a search is cheaper than a translation)
    return t.translate(_STRIP_QUOTES) if _QUOTE_MARK.search(t) else t


def _items_before(text, s, tables, label_start, floor, count) -> list:
    """Items listed just before the label, in the same clause: (label, span) pairs."""
    a = _CLAUSE.run_start(s, label_start, floor)
    chunk = s[a:label_start]
    if not chunk:
        return []
    # one quoted segment holding the list: “强化理论武装、推动高质量发展、提升治理效能”三个主题
    quoted_end = chunk.endswith(_QUOTED_ENDINGS)
    one = _QUOTED_LIST_AT_END.search(chunk) if quoted_end else None
    if one and not _QUOTE_PAIR_AT_END.search(chunk):
        x, items = a + one.start(1), []
        for piece in one.group(1).split("、"):
            written = text[x:x + len(piece)]
            items.append((_unquote(written), Span(x, x + len(piece), written, "item.in_quote")))
            x += len(piece) + 1
        return items
    # quoted items: “A”“B”“C” (or “A”、“B”) right before the label
    qm = _QUOTED_RUN_AT_END.search(chunk) if quoted_end else None
    if qm:
        items = [(a + mm.start() + 1, a + mm.end() - 1) for mm in _QUOTED.finditer(qm.group())]
        items = [(x + qm.start(), y + qm.start()) for x, y in items]
        return [(_unquote(text[x:y]), Span(x, y, text[x:y], "item.quoted")) for x, y in items]
    if "、" not in chunk:
        return []
    parts, pos = [], a
    for piece in chunk.split("、"):
        parts.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    # the first part may carry the words that introduce the list
    # the list must end right before the label (增强“四个意识”、坚定“四个自信”、做到“两个维护”: it does not)
    xl, yl = parts[-1]
    if xl == yl or tables.introducer_run.fullmatch(s, xl, yl) or _ends_with_verb(s, xl, yl):
        return []
    parts = _split_last(s, parts, count)
    others = [y - x for x, y in parts[1:]]
    x0, y0 = parts[0]
    if not _shared_start(s, parts):
        x0 = _trim_introducers(s, tables, x0, y0, min(others) if others else 2)
    parts[0] = (x0, y0)
    parts = _parallel(s, parts)
    out = []
    for x, y in parts:
        while x < y and s[x] in "“”‘’ ":
            if s[x] == "“" and "”" in s[x:y] and not s[x:y].endswith("”"):
                break
            x += 1
        written = text[x:y]
        label = _unquote(written).strip()
        if not label or len(label) > 40:
            return []
        out.append((label, Span(x, y, written, "item.split")))
    return out


_VERB_ENDINGS = ("推进", "落实", "坚持", "做到", "实现", "确保", "围绕", "聚焦", "突出", "抓好")


def _ends_with_verb(s: str, x: int, y: int) -> bool:
    """协调推进“四个全面”: the last part ends with a verb whose object is the label, not a list item."""
    return y - x > 2 and s[y - 2:y] in _VERB_ENDINGS


def _parallel(s: str, parts: list) -> list:
    """Trim the first and last items to the shape the others share (稳企业、稳投资…稳就业出台 → 稳就业)."""
    if len(parts) < 2:
        return parts
    longest_other = max([y - x for x, y in parts[1:]])
    if parts[0][1] - parts[0][0] > longest_other + 1:
        parts = _trim_first(s, parts)
    if len(parts) >= 3 and parts[-1][1] - parts[-1][0] > max([y - x for x, y in parts[1:-1]]) + 1:
        parts = _trim_last(s, parts)
    return parts


def _trim_first(s: str, parts: list) -> list:
    (x0, y0), rest = parts[0], parts[1:]
    words = [s[x:y] for x, y in rest]
    lens = {len(w) for w in words}
    first = s[x0:y0]
    prefix = _common_prefix(words) if len(words) > 1 else words[0][:3]
    suffix = _common_suffix(words) if len(words) > 1 else ""
    if len(prefix) >= (1 if len(words) > 1 else 2):
        k = first.rfind(prefix, 1)
        close = len(words) > 1 or abs((len(first) - k) - len(words[0])) <= 2
        if k > 0 and close and ((len(lens) == 1 and len(first) - k == next(iter(lens))) or len(prefix) >= 2):
            return [(x0 + k, y0)] + rest
    if suffix and len(lens) == 1 and first.endswith(suffix):
        return [(y0 - next(iter(lens)), y0)] + rest
    return parts


def _trim_last(s: str, parts: list) -> list:
    (xl, yl), rest = parts[-1], parts[:-1]
    words = [s[x:y] for x, y in rest[1:]]
    lens = {len(w) for w in words}
    prefix = _common_prefix(words) if len(words) > 1 else ""
    if prefix and len(lens) == 1 and s.startswith(prefix, xl):
        return rest + [(xl, xl + next(iter(lens)))]
    return parts


def _common_prefix(words) -> str:
    if not words:
        return ""
    # the common prefix of all is that of the first and the last in sorted order (os.path.commonprefix's
    # way, without its path conversions)
    first, last = min(words), max(words)
    for i, ch in enumerate(first):
        if ch != last[i]:
            return first[:i]
    return first


def _common_suffix(words) -> str:
    p = words[0]
    for w in words[1:]:
        while not w.endswith(p):
            p = p[1:]
    return p


def _shared_start(s: str, parts: list) -> bool:
    """Whether every other item starts with the words the first one starts with (必须坚持…、必须坚持…)."""
    others = [s[x:y] for x, y in parts[1:]]
    if not others:
        return False
    p = _common_prefix(others)
    return len(p) >= 2 and p in s[parts[0][0]:parts[0][1]]


def _trim_introducers(s: str, tables: _Tables, x: int, y: int, min_other: int) -> int:
    """Cut the first item after the rightmost introducing word that leaves a plausible first item."""
    need = max(2, min(min_other - 2, (min_other + 1) // 2))

    best = x
    pat = tables.introducer
    for m in pat.finditer(s, x, y):
        # a one-character introducer (要) only at the start or after another one: not inside 重要, 主要
        if m.end() - m.start() == 1 and m.start() != x:
            continue
        if y - m.end() >= need:
            best = max(best, m.end())
    # an introducer must start the chunk or follow another one, unless the words before it are a subject
    return best


def _items_after(text, s, tables, label_end, sb, count) -> list:
    """Items in the clause after the label (“四个不摘”要求，做到A、B、C、D): exactly ``count`` of them."""
    i = label_end
    # the label may be followed by its head noun (“四个不摘”要求), then a separator and 做到/即/：
    lead = _LIST_LEAD.match(s, i, sb)
    if not lead:
        return []
    j = lead.end()
    colon = lead.group().endswith("：")
    k = _CLAUSE.run_end(s, j, sb)
    if colon and "、" not in s[j:k]:
        return _clause_items(text, s, j, sb, count)
    chunk = s[j:k]
    parts, pos = [], j
    for piece in chunk.split("、"):
        parts.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    parts = _split_last(s, parts, count)
    n = len(parts)
    # after a colon the list is what the text says, even when it differs from the count (三大工程 with four)
    if n != count and not (colon and n >= 2):
        return []
    others = [y - x for x, y in parts[1:]]
    x0, y0 = parts[0]
    prefix = _common_prefix([s[x:y] for x, y in parts[1:]])
    if not (len(prefix) >= 2 and s.startswith(prefix, x0)):
        x0 = _trim_introducers(s, tables, x0, y0, min(others))
    parts[0] = (x0, y0)
    out = []
    for x, y in parts:
        written = text[x:y]
        label = _unquote(written).strip()
        if not label or len(label) > 40:
            return []
        out.append((label, Span(x, y, written, "item.after_label")))
    return out


def _split_last(s: str, parts: list, count: int) -> list:
    """A、B和C: a list of one part fewer than its count whose last part joins two words with 和
    (及, 以及, 与) lists those two as items.

    >>> s = "党政领导责任、部门监管责任和企业主体责任"
    >>> [s[x:y] for x, y in _split_last(s, [(0, 6), (7, 20)], 3)]
    ['党政领导责任', '部门监管责任', '企业主体责任']
    >>> _split_last(s, [(0, 6), (7, 20)], 2)
    [(0, 6), (7, 20)]
    """
    if len(parts) < 2 or len(parts) != count - 1:
        return parts
    x, y = parts[-1]
    joins = list(_LAST_JOIN.finditer(s, x, y))
    if len(joins) != 1 or joins[0].start() - x < 2 or y - joins[0].end() < 2:
        return parts
    return parts[:-1] + [(x, joins[0].start()), (joins[0].end(), y)]


def _clause_items(text, s, j, sb, count) -> list:
    """“三个一律”：对A一律X，对B一律Y，对C一律Z。 — one clause an item, when there are exactly ``count``."""
    end = sb
    while end > j and s[end - 1] in "。；！？\n":
        end -= 1
    clauses = s[j:end].split("，")
    if len(clauses) != count or not all(0 < len(c) <= 40 for c in clauses):
        return []
    out, pos = [], j
    for c in clauses:
        written = text[pos:pos + len(c)]
        out.append((_unquote(written), Span(pos, pos + len(c), written, "item.clauses")))
        pos += len(c) + 1
    return out

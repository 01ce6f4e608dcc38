"""Rule families as tables: text in, facts out, including the traps each family must avoid."""
from __future__ import annotations

import pytest

from policykg.extract.document import Document
from policykg.extract.pipeline import extract


def run(text: str, published: str | None = "2021-03-05"):
    return extract(Document.from_text(text, published=published))


def labels(x):
    return sorted({loc.label for loc in x.localities})


def codes(x):
    return sorted({loc.key for loc in x.localities})


# ---------------------------------------------------------------- localities
@pytest.mark.parametrize("text, expected", [
    ("沙河口区召开会议。", ["210204"]),                       # 沙河口区 is not 河口区
    ("东营市河口区召开会议。", ["370500", "370503"]),            # a preceding parent picks the homonym
    ("徐州市各区召开会议。\n\n鼓楼区召开动员会。", ["320300", "320302"]),   # a parent named elsewhere
    ("北京市朝阳区召开会议。", ["110000", "110105"]),
    ("肥城市召开会议，虢镇街道、县功镇参加。", ["370983"]),   # townships only in a named county's scope
    ("陈仓区召开会议，虢镇街道、县功镇参加。", ["610304", "610304001", "610304109"]),
    ("梅川镇、十里镇和县农业农村局作交流发言。\n\n岷县召开会议。", ["621126", "621126103", "621126106"]),
    # no county named (a township's own news): a township name that no other division has
    ("2月23日上午，渣津镇召开2024年党建工作会议。", ["360424106"]),
    ("2月23日上午，城关镇召开2024年党建工作会议。", []),    # hundreds of 城关镇
    ("要扎实推进振兴县域经济。", []),                           # 兴县 inside a word
    ("开展延安整风式的教育。", []),                              # compounds are not places
    ("本期刊发泰安、东营、德州等地动员部署情况。", ["370500", "370900", "371400"]),  # trusted short names
    ("加强对平江、华容等县的巡查。岳阳市", ["430600", "430623", "430626"]),
    ("锡林郭勒盟召开会议，二连浩特市、东乌珠穆沁旗参加。", ["152500", "152501", "152525"]),
    ("東山縣召開會議，漳州市參加。", ["350600", "350626"]),       # traditional script
])
def test_localities(text, expected):
    assert codes(run(text)) == expected


def test_ambiguous_name_is_left_unresolved_not_guessed():
    x = run("朝阳区召开动员会。")
    assert codes(x) == []
    assert any("朝阳区" in w for w in x.warnings)


def test_validity_by_year():
    old = run("垦利县召开会议。", published="2010-05-01")
    new = run("垦利区召开会议。", published="2021-05-01")
    assert codes(old) == ["370521"] and codes(new) == ["370505"]
    assert codes(run("莱芜市召开会议。", published="2016-05-01")) == ["371200"]


def test_locality_keeps_parents():
    x = run("肥城市召开会议。")
    (loc,) = x.localities
    assert [a.name for a in loc.ancestors] == ["泰安市", "山东省"]


def test_trusted_slogan_only_links_named_places():
    assert codes(run("建设平安肥城。")) == []
    assert [l.span.quote for l in run("肥城市召开会议，建设平安肥城。").localities] == ["肥城市", "肥城"]


# ---------------------------------------------------------------- meetings
def meetings(x):
    loc = {l.key: l.division.name for l in x.localities}
    from policykg.extract.gazetteer import Gazetteer
    gaz = Gazetteer.default()
    return sorted((m.role, (gaz.get(m.locality).name if m.locality else m.level), m.date, m.name) for m in x.meetings)


@pytest.mark.parametrize("text, published, expected", [
    ("3月1日，全省、泰安市政法队伍教育整顿动员会召开后，肥城市召开政法队伍教育整顿动员部署会议。", "2021-03-05", [
        ("reported", "肥城市", "2021-03-01", "政法队伍教育整顿动员部署会议"),
        ("upstream", "山东省", None, "政法队伍教育整顿动员会"),
        ("upstream", "泰安市", None, "政法队伍教育整顿动员会")]),
    # 接续: the upstream meeting is on the same day; 全市 resolves through the gazetteer
    ("3月4日，在全市政法队伍教育整顿工作动员推进会议结束后，德城区接续召开全区政法队伍教育整顿工作动员部署会议。",
     "2021-03-05", [
         ("reported", "德城区", "2021-03-04", "政法队伍教育整顿工作动员部署会议"),
         ("upstream", "德州市", "2021-03-04", "政法队伍教育整顿工作动员推进会议")]),
    # a second date belongs to the later meeting
    ("3月1日，全市党史学习教育动员大会召开后，3月2日上午，新安县随即召开党史学习教育动员大会。", "2021-03-11", [
        ("reported", "新安县", "2021-03-02", "党史学习教育动员大会"),
        ("upstream", "洛阳市", "2021-03-01", "党史学习教育动员大会")]),
    # 传达…精神: three upstream meetings of one name; 全国 has no locality
    ("3月4日，武城县政法队伍教育整顿工作动员推进会议召开，传达全国、全省、全市政法队伍教育整顿动员部署会议精神。",
     "2021-03-05", [
         ("reported", "武城县", "2021-03-04", "政法队伍教育整顿工作动员推进会议"),
         ("upstream", "Country", None, "政法队伍教育整顿动员部署会议"),
         ("upstream", "山东省", None, "政法队伍教育整顿动员部署会议"),
         ("upstream", "德州市", None, "政法队伍教育整顿动员部署会议")]),
    # a month-day after the publication date belongs to the previous year
    ("12月28日，岷县召开乡村振兴工作会议。", "2021-01-05", [
        ("reported", "岷县", "2020-12-28", "乡村振兴工作会议")]),
    # no year known: gMonthDay
    ("8月24日上午，徐州市鼓楼区第二批政法队伍教育整顿动员部署会议召开。", None, [
        ("reported", "鼓楼区", "--08-24", "第二批政法队伍教育整顿动员部署会议")]),
    # day only: the month comes from the publication date; the organ stays in the label
    ("6日上午，市委书记欧阳晓鹏主持召开市委常委会会议，传达学习湖南省委常委会会议精神。岳阳市", "2021-07-07", [
        ("reported", "岳阳市", "2021-07-06", "市委常委会会议"),
        ("upstream", "湖南省", None, "省委常委会会议")]),
    # 会后…紧接着 carries the day across sentences
    ("5月12日下午，国家防汛抗旱总指挥部召开全国防汛抗旱工作电视电话会议。会后，我省紧接着召开全省防汛抗旱工作电视电话会议。江西省",
     None, [
         ("reported", "江西省", "--05-12", "防汛抗旱工作电视电话会议"),
         ("upstream", "Country", "--05-12", "防汛抗旱工作电视电话会议")]),
    # vague or boilerplate meetings are left out
    ("岷县召开乡村振兴工作会议。赵永刚主持会议，要求迅速传达会议精神，认真学习贯彻党的十九届五中全会精神。", "2021-03-17", [
        ("reported", "岷县", None, "乡村振兴工作会议")]),
    # 各县 召开: no single meeting
    ("洛阳市各县迅速召开党史学习教育动员大会", "2021-03-11", []),
])
def test_meetings(text, published, expected):
    assert meetings(run(text, published)) == sorted(expected)


def test_meeting_follows_upstream_and_colisted_cascade():
    x = run("3月1日，全省、泰安市政法队伍教育整顿动员会召开后，肥城市召开政法队伍教育整顿动员部署会议。")
    by_loc = {m.locality: m for m in x.meetings}
    fc, ta, sd = by_loc["370983"], by_loc["370900"], by_loc["370000"]
    assert set(fc.follows) == {ta.id, sd.id}
    assert ta.follows == (sd.id,)


def test_meeting_campaign_chair_participants_venue():
    x = run("3月2日，全省政法队伍教育整顿推进会在郑州召开。省委书记王国生出席会议并讲话，省委副书记、省长王凯主持会议。河南省",
            "2021-03-03")
    (m,) = x.meetings
    assert m.venue == "410100" and m.locality == "410000"
    assert [c.label for c in x.campaigns] == ["政法队伍教育整顿"]
    assert [k.split("|")[1] for k in m.chair] == ["王凯"]
    assert [k.split("|")[1] for k in m.participants] == ["王国生"]


@pytest.mark.parametrize("opening", ["{} ", "{}：", "【{}】", "{}\n\n"])
def test_roundup_of_counties_under_a_title_that_names_no_place(opening):
    """Each brief opens with its county (inline or alone on a line); the lead's 全市 is the prefecture
    the counties share (not 瑞金市, a county-level city named first), which the county meetings follow."""
    briefs = [("瑞金市", "2月21日上午，瑞金市召开市委常委会（扩大）会议，研究贯彻落实举措。"),
              ("于都县", "2月21日下午，于都县召开全县三级干部大会，传达学习全市三级干部大会精神。"),
              ("兴国县", "2月22日，兴国县委常委会召开会议，传达学习全市三级干部大会精神。")]
    text = "\n\n".join(["各地迅速传达学习全市三级干部大会精神", "2月20日全市三级干部大会召开后，各县迅速行动。"]
                       + [opening.format(place) + brief for place, brief in briefs])
    x = run(text, "2024-02-23")
    assert meetings(x) == sorted([("upstream", "赣州市", "2024-02-20", "三级干部大会"),
                                  ("reported", "瑞金市", "2024-02-21", "市委常委会（扩大）会议"),
                                  ("reported", "于都县", "2024-02-21", "三级干部大会"),
                                  ("reported", "兴国县", "2024-02-22", "县委常委会会议")])
    up = next(m for m in x.meetings if m.role == "upstream")
    assert [m.follows for m in x.meetings if m.role == "reported" and m.locality != "360781"] == [(up.id,)] * 2


def test_a_title_that_says_our_county_places_the_article_in_the_county_of_the_first_township():
    x = run("我县召开2024年安全生产工作会议\n\n2月28日，我县召开2024年安全生产工作会议。渣津镇作表态发言。"
            "县长陈志刚强调，要守住安全底线。", "2024-02-29")
    assert [m.locality for m in x.meetings] == ["360424"]       # 修水县, above 渣津镇
    assert [p.key for p in x.persons] == ["360424|陈志刚"]


# ---------------------------------------------------------------- statements
def statements(x):
    people = {p.key: p.name for p in x.persons}
    return [("会议" if s.speaker_meeting else people.get(s.speaker_person, s.speaker_person), s.verb)
            for s in x.statements]


@pytest.mark.parametrize("text, expected", [
    ("岷县召开乡村振兴工作会议。\n会议指出，要提高站位。\n会议强调，要压实责任。\n会议还要求，各单位抓好落实。",
     [("会议", "指出"), ("会议", "强调"), ("会议", "要求")]),
    ("岷县召开会议。县委书记杨慧明出席会议并讲话。\n杨慧明指出，要提高站位。他强调，要压实责任。",
     [("杨慧明", "指出"), ("杨慧明", "强调")]),
    ("岷县召开会议。县委书记杨慧明出席会议并讲话。\n县委书记杨慧明在讲话中要求，要抓好落实。",
     [("杨慧明", "要求")]),
    ("岷县召开会议。县委副书记、县长赵永刚主持会议。\n赵永刚在主持会议时说，各乡镇要迅速行动。",
     [("赵永刚", "说")]),
    # 按照…会议要求 is not a statement; 就…提出 is not either
    ("岷县召开会议。县委书记杨慧明出席会议。\n各单位要按照会议要求抓好落实。杨慧明就做好工作提出三点意见。",
     []),
    ("東山縣召開防汛防颱風工作部署會。\n會議強調，要做好防禦。", [("会议", "强调")]),
])
def test_statements(text, expected):
    assert statements(run(text)) == expected


# ---------------------------------------------------------------- formulations
def forms(x):
    return [(f.label, f.count, f.category, tuple(i.label for i in f.items)) for f in x.formulations]


@pytest.mark.parametrize("text, expected", [
    ("会议强调，要突出筑牢政治忠诚、清除害群之马、整治顽瘴痼疾、弘扬英模精神“四项任务”。",
     [("四项任务", 4, "Task", ("筑牢政治忠诚", "清除害群之马", "整治顽瘴痼疾", "弘扬英模精神"))]),
    # quotes delimit the items: each keeps its inner 、
    ("要严把“全覆盖、零容忍”“自查从宽、被查从严”两项原则。",
     [("两项原则", 2, "Principle", ("全覆盖、零容忍", "自查从宽、被查从严"))]),
    # an item with inner quotes; Arabic digits; leading verbs trimmed
    ("扎实抓好专题学习、专题培训、“我为群众办实事”实践活动“三个环节”。",
     [("三个环节", 3, "Phase", ("专题学习", "专题培训", "我为群众办实事实践活动"))]),
    ("要抓好阵地建设、队伍建设、项目建设3个环节。", [("3个环节", 3, "Phase", ("阵地建设", "队伍建设", "项目建设"))]),
    ("推进乡村振兴要坚持党建引领、群众主体、因地制宜“三项原则”。",
     [("三项原则", 3, "Principle", ("党建引领", "群众主体", "因地制宜"))]),
    # a label followed by 目标 is a goal; 进一步 is not a numeral
    ("着力实现政治生态进一步优化、纪律作风进一步好转“两个进一步”目标。",
     [("两个进一步", 2, "Goal", ("政治生态进一步优化", "纪律作风进一步好转"))]),
    # the label before its items
    ("严格落实“四个不摘”要求，做到摘帽不摘责任、摘帽不摘政策、摘帽不摘帮扶、摘帽不摘监管。",
     [("四个不摘", 4, "Commitment", ("摘帽不摘责任", "摘帽不摘政策", "摘帽不摘帮扶", "摘帽不摘监管"))]),
    # slogans without items; nested formulations
    ("增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
     [("四个意识", 4, "Commitment", ()), ("四个自信", 4, "Commitment", ()), ("两个维护", 2, "Commitment", ())]),
    ("牢固树立“两个坚持、三个转变”防灾减灾救灾理念。",
     [("两个坚持", 2, "Commitment", ()), ("三个转变", 3, "Commitment", ())]),
    # not formulations: bare numerals, 一…, speech structure, quantities, ordinals, institutional levels
    ("用好“四史”教材，落实“一案三查”，提出三点意见，打掉涉黑组织3个，第58个纪念日，市县两级，五级书记，三年来。", []),
    ("新建实践所18个、实践站226个，2021年再打造10个示范实践站。", []),
])
def test_formulations(text, expected):
    assert forms(run(text)) == expected


def test_declared_count_that_differs_is_kept_and_flagged():
    (f,) = run("要聚焦提升审批服务效率、降低企业运营成本、强化要素保障、加强诚信体系建设“三项任务”。").formulations
    assert f.count == 3 and len(f.items) == 4 and f.count_mismatch


def test_lexicon_fills_items_the_text_does_not_list():
    (f,) = run("要增强“四个意识”。").formulations
    assert f.items == ()
    assert [i.label for i in f.lexicon_items] == ["政治意识", "大局意识", "核心意识", "看齐意识"]
    assert all(i.from_lexicon and i.span.rule == "lx.sigeyishi" for i in f.lexicon_items)


@pytest.mark.parametrize("numeral, value", [("两", 2), ("十", 10), ("十二", 12), ("〇", 0), ("3", 3), ("２０", 20)])
def test_numerals(numeral, value):
    from policykg.extract.numerals import cn_to_int
    assert cn_to_int(numeral) == value


# ---------------------------------------------------------------- persons
def persons(x):
    out = {}
    for p in x.persons:
        out.setdefault(p.name, [])
        for t in p.titles:
            if t not in out[p.name]:
                out[p.name].append(t)
    return out


@pytest.mark.parametrize("text, expected", [
    ("县委书记刘旋出席会议并讲话，县委副书记、县长周晓峰主持会议。",
     {"刘旋": ["县委书记"], "周晓峰": ["县委副书记", "县长"]}),
    ("省领导欧阳华、邓卫东、刘海燕出席会议。", {"欧阳华": ["省领导"], "邓卫东": ["省领导"], "刘海燕": ["省领导"]}),
    ("盟委副书记、盟长布仁巴雅尔主持会议。", {"布仁巴雅尔": ["盟委副书记", "盟长"]}),
    ("市委党史学习教育第三巡回指导组组长刘永康到会指导。", {"刘永康": ["市委党史学习教育第三巡回指导组组长"]}),
    ("縣委書記林建平出席會議並講話。", {"林建平": ["縣委書記"]}),
    # boilerplate leader, institutions that look like titles, verbs after titles
    ("以习近平同志为核心的党中央作出部署，各乡镇党委书记要当好施工队长，全面推行林长制改革工作。", {}),
])
def test_persons(text, expected):
    assert persons(run(text)) == expected


# ---------------------------------------------------------------- spans
def test_every_span_quotes_the_text():
    x = run("3月1日，全省、泰安市政法队伍教育整顿动员会召开后，肥城市召开政法队伍教育整顿动员部署会议。"
            "县委书记刘旋出席会议。\n会议强调，要严把“全覆盖、零容忍”“自查从宽、被查从严”两项原则。")
    doc_text = "3月1日"  # noqa: F841
    for f in x.facts():
        assert f.span.rule
    d = Document.from_text("肥城市召开会议\n\n3月1日，肥城市召开政法队伍教育整顿动员部署会议。会议强调，要增强“四个意识”。")
    for s in extract(d).spans():
        assert d.text[s.start:s.end] == s.quote


# ---------------------------------------------------------------- more traps, as real articles write them
@pytest.mark.parametrize("text, expected", [
    ("黔东南州委理论学习中心组召开学习会。", ["黔东南苗族侗族自治州"]),            # the usual form of a 自治州
    ("璧山区召开会议，七塘、八塘、三合等镇参加。", ["七塘镇", "三合镇", "八塘镇", "璧山区"]),
    ("沈阳市各区召开会议。\n\n和平区：\n\n和平区召开会议。", ["和平区", "沈阳市"]),  # a common noun under its city
    ("本溪市召开会议，新民、法库等县（市）参加。", ["新民市", "本溪市", "法库县"]),
])
def test_locality_forms(text, expected):
    assert labels(run(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("区委副书记、区长（区政府党组书记）李建华主持学习并讲话。",
     {"李建华": ["区委副书记", "区长", "区政府党组书记"]}),
    ("地委副书记、行署专员艾尔肯·吐尼亚孜主持会议。", {"艾尔肯·吐尼亚孜": ["地委副书记", "行署专员"]}),
    ("皇甫立新、郑晓军、曾卫东等县领导出席会议。",
     {"皇甫立新": ["县领导"], "郑晓军": ["县领导"], "曾卫东": ["县领导"]}),
    ("州委常委、宣传部部长吴晓燕，三穗县委书记龙永华作交流发言。",
     {"吴晓燕": ["州委常委", "宣传部部长"], "龙永华": ["三穗县委书记"]}),
    ("会议学习习近平总书记视察贵州重要讲话精神。", {}),
])
def test_person_forms(text, expected):
    assert persons(run(text)) == expected


@pytest.mark.parametrize("text, published, expected", [
    # 了 after a transmitting verb; the upstream meeting keeps its province
    ("3月2日，澄迈县召开重点项目建设推进大会。大会传达学习了全省重点项目建设推进会精神。", "2022-03-03", [
        ("reported", "澄迈县", "2022-03-02", "重点项目建设推进大会"),
        ("upstream", "海南省", None, "重点项目建设推进会")]),
    # what a meeting heard or reviewed is not a meeting of its own
    ("3月2日，右江区委常委班子召开民主生活会。区长农志强通报了2021年度民主生活会整改情况。", "2022-03-03", [
        ("reported", "右江区", "2022-03-02", "区委常委班子召开民主生活会")]),
    # a bare 区 with an organ is the subject's own district
    ("3月2日，东胜区召开区政府常务会议。", "2022-03-03", [("reported", "东胜区", "2022-03-02", "区政府常务会议")]),
    # an ending in 会 written as 会议 (学习会议, 协调会议), but not 座谈会 before 议定事项; a span of days: its first
    ("3月5日至6日，新建区召开区委理论学习中心组集体学习会议。会后，区长就抓好座谈会议定事项作了安排。", "2024-03-07", [
        ("reported", "新建区", "2024-03-05", "区委理论学习中心组集体学习会议")]),
    ("3月5日—6日，新建区召开防汛工作协调会议。", "2024-03-07", [("reported", "新建区", "2024-03-05", "防汛工作协调会议")]),
    # A会议暨B会: one meeting, named by its first part (not a second one named 暨B会)
    ("3月5日，新建区召开区委常委会（扩大）会议暨全区作风建设推进会。", "2024-03-07", [
        ("reported", "新建区", "2024-03-05", "区委常委会（扩大）会议")]),
    # 召开 then a transmitting verb: the verb starts the meeting's name (the 2023 campaign is named so)
    ("4月8日，石家庄市召开学习贯彻习近平新时代中国特色社会主义思想主题教育工作会议。", "2023-04-12", [
        ("reported", "石家庄市", "2023-04-08", "学习贯彻习近平新时代中国特色社会主义思想主题教育工作会议")]),
    # an organ's body that holds a generic 会议 names it (title and body: one meeting)
    ("兴国县委常委会召开会议\n\n2月22日，兴国县委常委会召开会议，传达学习全市三级干部大会精神。", "2024-02-23", [
        ("reported", "兴国县", "2024-02-22", "县委常委会会议"),
        ("upstream", "赣州市", None, "三级干部大会")]),
    ("3月12日，湖北省委常委会召开会议。", "2024-03-13", [("reported", "湖北省", "2024-03-12", "省委常委会会议")]),
    ("3月12日，县政府党组召开会议。岳阳县", "2024-03-13", [("reported", "岳阳县", "2024-03-12", "县政府党组会议")]),
    # 将/把 before a meeting word: what follows is the name (none here: a vague 全会); 及时 and 把握 are words
    ("3月2日，将乐县召开县委全会。会议要求，要及时将全会精神传达到基层，要把握全会精神实质，要迅速把全会精神贯彻好。",
     "2022-03-03", [("reported", "将乐县", "2022-03-02", "县委全会")]),
    ("3月2日，于都县召开县委常委会会议，会议要求及时将省委全会精神传达到基层。", "2022-03-03", [
        ("reported", "于都县", "2022-03-02", "县委常委会会议"),
        ("upstream", "江西省", None, "省委全会")]),
])
def test_meeting_forms(text, published, expected):
    got = meetings(run(text, published))
    assert [g[:3] for g in got] == sorted(e[:3] for e in expected)


@pytest.mark.parametrize("text, expected", [
    # one quoted segment holding the list
    ("王丽娜围绕“强化理论武装、推动高质量发展、提升治理效能”三个主题作交流发言。",
     [("三个主题", 3, "Theme", ("强化理论武装", "推动高质量发展", "提升治理效能"))]),
    # label first with a colon: what the text lists, even when it differs from the count
    ("要实施“三大工程”：市场主体培育工程、企业家素质提升工程、营商环境优化工程、产业链招商工程，力争全年新增市场主体。",
     [("三大工程", 3, "Other", ("市场主体培育工程", "企业家素质提升工程", "营商环境优化工程", "产业链招商工程"))]),
    # items sharing their first words keep them
    ("准确把握“六个必须坚持”，即必须坚持人民至上、必须坚持自信自立、必须坚持守正创新、必须坚持问题导向、必须坚持系统观念、必须坚持胸怀天下。",
     [("六个必须坚持", 6, "Commitment", ("必须坚持人民至上", "必须坚持自信自立", "必须坚持守正创新", "必须坚持问题导向",
                                  "必须坚持系统观念", "必须坚持胸怀天下"))]),
    # parallel items: the subject and verbs before the first item are not part of it
    ("区人社局将编制发布政策清单、服务清单、岗位清单“三张清单”。",
     [("三张清单", 3, "Other", ("政策清单", "服务清单", "岗位清单"))]),
    # a verb ending the last part makes the label its object, not a list
    ("统筹推进“五位一体”总体布局、协调推进“四个全面”战略布局。", [("四个全面", 4, "Commitment", ())]),
    # durations and bare counts in prose
    ("在3个工作日内办结，完成三项工作。", []),
    # A、B和C: the last two joined by 和 are two items when the count says so; the verb before the first is cut
    ("要全面压实党政领导责任、部门监管责任和企业主体责任“三个责任”。",
     [("三个责任", 3, "Other", ("党政领导责任", "部门监管责任", "企业主体责任"))]),
    ("要抓好“三个重点”：监测预警、隐患排查和应急值守。",
     [("三个重点", 3, "Other", ("监测预警", "隐患排查", "应急值守"))]),
    # … but not when the count is met without it (an item of its own holds 和)
    ("要统筹疫情防控和经济社会发展、发展和安全“两件大事”。",
     [("两件大事", 2, "Other", ("疫情防控和经济社会发展", "发展和安全"))]),
])
def test_formulation_forms(text, expected):
    assert forms(run(text)) == expected

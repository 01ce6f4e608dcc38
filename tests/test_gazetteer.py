"""The gazetteer of administrative divisions and the script conversion."""
from __future__ import annotations

import gzip
import time
from importlib import resources

import pytest

from policykg.extract.errors import InputError
from policykg.extract.facts import Division
from policykg.extract.gazetteer import Gazetteer, short_name
from policykg.extract.script import is_traditional_heavy, to_simplified


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def codes(divisions) -> list[str]:
    return [d.code for d in divisions]


# ---------------------------------------------------------------- lookup and hierarchy
def test_feicheng_and_its_ancestors(gaz):
    assert codes(gaz.lookup("肥城市", year=2024)) == ["370983"]
    d = gaz.get("370983")
    assert (d.name, d.level, d.parent, d.last_year) == ("肥城市", "County", "370900", None)
    assert [(a.code, a.name, a.level) for a in gaz.ancestors("370983")] == [
        ("370900", "泰安市", "Prefecture"), ("370000", "山东省", "Province")]
    assert gaz.is_within("370983", "370000") and gaz.is_within("370983", "370900")
    assert not gaz.is_within("370983", "370983") and not gaz.is_within("370983", "410000")
    assert d.lat == pytest.approx(36.18, abs=0.1) and d.lon == pytest.approx(116.77, abs=0.1)


@pytest.mark.parametrize("code, parent", [
    ("110101", "110000"),   # 东城区, under 市辖区 110100 in GB/T 2260
    ("310115", "310000"),   # 浦东新区
    ("500101", "500000"),   # 万州区, 重庆
    ("500229", "500000"),   # 城口县, under 县 500200
    ("419001", "410000"),   # 济源市, under 省直辖县级行政区划 419000
    ("429004", "420000"),   # 仙桃市
    ("659001", "650000"),   # 石河子市, 自治区直辖县级行政区划
])
def test_pseudo_levels_collapsed(gaz, code, parent):
    assert gaz.get(code).parent == parent
    assert gaz.get(code).level == "County"
    assert gaz.ancestors(code)[-1].level == "Province"


@pytest.mark.parametrize("code", ["110100", "110200", "120100", "310100", "500100", "500200",
                                  "419000", "429000", "469000", "659000"])
def test_pseudo_level_rows_are_absent(gaz, code):
    assert gaz.get(code) is None


def test_no_pseudo_names(gaz):
    for name in ("市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
        assert name not in gaz.names


def test_municipalities_are_provinces(gaz):
    for name in ("北京市", "天津市", "上海市", "重庆市"):
        (d,) = gaz.lookup(name, year=2024)
        assert d.level == "Province" and d.parent is None
    assert "东城区" in [c.name for c in gaz.children("110000", year=2024)]


def test_similar_names_are_distinct(gaz):
    shahekou, = gaz.lookup("沙河口区", year=2024)
    hekou = gaz.lookup("河口区", year=2024)
    assert shahekou.code == "210204"
    assert codes(hekou) == ["370503"]          # 东营市河口区
    assert shahekou.code not in codes(hekou)


def test_homonyms_sorted_by_code(gaz):
    chaoyang = gaz.lookup("朝阳区")
    assert codes(chaoyang) == sorted(codes(chaoyang))
    assert {"110105", "220104"} <= set(codes(chaoyang))      # 北京, 长春
    assert {a.name for d in chaoyang for a in gaz.ancestors(d.code)} >= {"北京市", "长春市"}


def test_kenli_renamed_by_year(gaz):
    county, = gaz.lookup("垦利县", year=2015)
    assert county.code == "370521" and county.last_year == 2015
    assert gaz.lookup("垦利县", year=2016) == []
    district, = gaz.lookup("垦利区", year=2016)
    assert district.code == "370505" and district.first_year == 2016
    assert district.last_year is None
    assert gaz.lookup("垦利区", year=2015) == []
    assert gaz.get("370505").parent == "370500"


def test_laiwu_gone(gaz):
    laiwu, = gaz.lookup("莱芜市", year=2010)
    assert laiwu.code == "371200" and laiwu.level == "Prefecture"
    assert laiwu.last_year == 2017          # the 2018 table already lists 济南市莱芜区
    assert gaz.lookup("莱芜市", year=2020) == []
    assert gaz.get("370116").name == "莱芜区" and gaz.get("370116").parent == "370100"
    # 莱城区 keeps the ancestors it had while it existed
    assert codes(gaz.ancestors("371202")) == ["371200", "370000"]


def test_league_and_banner(gaz):
    league = gaz.get("152500")
    assert (league.name, league.level) == ("锡林郭勒盟", "Prefecture")
    banner, = gaz.lookup("东乌珠穆沁旗", year=2024)
    assert banner.level == "County" and banner.parent == "152500"
    assert "东乌珠穆沁旗" in [c.name for c in gaz.children("152500", year=2024)]


def test_one_character_name(gaz):
    min_county, = gaz.lookup("岷县", year=2024)
    assert min_county.code == "621126"
    assert 2 in gaz.suffix_index()["县"]


def test_townships(gaz):
    shili = gaz.lookup("十里镇")
    assert len(shili) > 1
    in_min = [d for d in shili if d.parent == "621126"]
    assert codes(in_min) == ["621126106"]
    assert in_min[0].level == "Township"
    assert codes(gaz.ancestors("621126106")) == ["621126", "621100", "620000"]
    assert gaz.is_within("621126106", "620000")
    # townships have no validity years: they count as valid in any year
    assert "621126106" in codes(gaz.lookup("十里镇", year=1990))
    assert all(len(d.code) in (9, 12) for d in gaz.children("621126"))


def test_lookup_converts_traditional(gaz):
    assert codes(gaz.lookup("東山縣", year=2024)) == ["350626"]
    assert gaz.lookup("不存在县") == []


def test_get_unknown(gaz):
    assert gaz.get("999999") is None
    assert gaz.ancestors("999999") == ()
    assert gaz.children("999999") == ()


def test_names_and_max_len(gaz):
    assert {"肥城市", "十里镇", "锡林郭勒盟"} <= gaz.names
    assert gaz.max_len == max(map(len, gaz.names))
    assert isinstance(gaz.names, frozenset)


def test_suffix_index(gaz):
    index = gaz.suffix_index()
    for name in ("肥城市", "黔东南苗族侗族自治州", "东乌珠穆沁旗", "十里镇"):
        assert len(name) in index[name[-1]]
    with_short = gaz.suffix_index(include_short=True)
    assert 4 in with_short["勒"]   # 锡林郭勒
    assert gaz.suffix_index() is index


# ---------------------------------------------------------------- short names
@pytest.mark.parametrize("full, short", [
    ("泰安市", "泰安"), ("平江县", "平江"), ("锡林郭勒盟", "锡林郭勒"), ("广西壮族自治区", "广西"),
    ("内蒙古自治区", "内蒙古"), ("黔东南苗族侗族自治州", "黔东南"), ("河南省", "河南"),
    ("新疆维吾尔自治区", "新疆"), ("西藏自治区", "西藏"), ("香港特别行政区", "香港"),
    ("北京市", "北京"), ("东乌珠穆沁旗", "东乌珠穆沁"), ("神农架林区", "神农架"),
    ("积石山保安族东乡族撒拉族自治县", "积石山"), ("长白朝鲜族自治县", "长白"),
    ("塔什库尔干塔吉克自治县", "塔什库尔干"), ("克孜勒苏柯尔克孜自治州", "克孜勒苏"),
])
def test_short_names(gaz, full, short):
    assert full in [d.name for d in gaz.short_names()[short]]


@pytest.mark.parametrize("name", ["岷县", "和平区", "鄂伦春自治旗", "东乡族自治县", "科尔沁左翼中旗",
                                  "城区", "振兴区"])
def test_untrusted_short_names(gaz, name):
    level = "County"
    assert short_name(name, level) is None
    assert name not in [d.name for ds in gaz.short_names().values() for d in ds]


def test_short_names_lists_homonyms(gaz):
    henan = gaz.short_names()["河南"]
    assert {"河南省", "河南蒙古族自治县"} <= {d.name for d in henan}
    assert all(d.level != "Township" for ds in gaz.short_names().values() for d in ds)
    assert all(len(s) >= 2 for s in gaz.short_names())


# ---------------------------------------------------------------- data file and loading
def test_data_file_is_sorted_and_consistent():
    ref = resources.files("policykg.extract").joinpath("data", "gazetteer.tsv.gz")
    lines = gzip.decompress(ref.read_bytes()).decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["code", "name", "level", "parent", "first_year",
                                    "last_year", "lat", "lon"]
    rows = [line.split("\t") for line in lines[1:]]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    pairs = [(r[0], r[1]) for r in rows]
    assert len(pairs) == len(set(pairs))            # one row per (code, name)
    levels = {r[2] for r in rows}
    assert levels == {"Province", "Prefecture", "County", "Township"}
    for r in rows:
        if r[2] == "Township":
            assert r[3] == r[0][:6]


def test_every_parent_exists(gaz):
    for name in ("肥城市", "东城区", "十里镇", "东乌珠穆沁旗", "济源市"):
        for d in gaz.lookup(name):
            assert gaz.ancestors(d.code), d
            assert gaz.ancestors(d.code)[-1].level == "Province"


def test_loading_is_cached_and_fast():
    assert Gazetteer.default() is Gazetteer.default()
    t = time.perf_counter()
    fresh = Gazetteer.from_path(
        resources.files("policykg.extract").joinpath("data", "gazetteer.tsv.gz"))
    elapsed = time.perf_counter() - t
    assert len(fresh) == len(Gazetteer.default())
    assert elapsed < 1.0          # about 0.07 s on the development machine


def test_division_objects_are_reused(gaz):
    assert gaz.get("370983") is gaz.get("370983")
    assert isinstance(gaz.get("370983"), Division)


def test_from_divisions():
    small = Gazetteer.from_divisions([
        Division("370000", "山东省", "Province", first_year=1980),
        Division("370900", "泰安市", "Prefecture", "370000", first_year=1985),
        Division("370983", "肥城市", "County", "370900", first_year=1995),
    ])
    assert codes(small.ancestors("370983")) == ["370900", "370000"]
    assert small.lookup("肥城市", year=1990) == []


def test_bad_file(tmp_path):
    bad = tmp_path / "g.tsv.gz"
    bad.write_bytes(gzip.compress("code\tname\n".encode()))
    with pytest.raises(InputError):
        Gazetteer.from_path(bad)
    with pytest.raises(InputError):
        Gazetteer.from_path(tmp_path / "missing.tsv.gz")


# ---------------------------------------------------------------- script
@pytest.mark.parametrize("trad, simp", [
    ("東山縣", "东山县"), ("漳州市", "漳州市"), ("銅陵鎮", "铜陵镇"),
    ("東山縣召開會議強調", "东山县召开会议强调"), ("關於", "关于"),
])
def test_to_simplified(trad, simp):
    assert to_simplified(trad) == simp
    assert len(to_simplified(trad)) == len(trad)


def test_to_simplified_is_length_preserving_on_mixed_text():
    text = "2024年3月5日，漳州市東山縣召開會議（ABC 𠀀）強調……"
    out = to_simplified(text)
    assert len(out) == len(text)
    assert out == "2024年3月5日，漳州市东山县召开会议（ABC 𠀀）强调……"


def test_official_names_survive_conversion(gaz):
    assert to_simplified("乾县") == "乾县"
    changed = [n for n in gaz.names if to_simplified(n) != n]
    # simplified text (no frequent traditional character) is left as it is: no official name changes,
    # not even 於潜镇, although 於 is converted in traditional text (關於 → 关于)
    assert changed == []
    assert to_simplified("關於於潜镇") == "关于于潜镇"


def test_is_traditional_heavy():
    assert is_traditional_heavy("東山縣召開會議強調")
    assert not is_traditional_heavy("东山县召开会议强调")
    assert not is_traditional_heavy("")

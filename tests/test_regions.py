"""Organ names match across years and titles; regions come from the division codes; the parents CSV."""

from __future__ import annotations

import pytest

from nianbao.regions import Region, RegionError, clean_organ, infer_region, load_parents, organ_key, parse_parents


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("清流县", "清流县人民政府"),
        ("福州市人民政府办公厅", "福州市政府办公室"),
        ("福州市人民政府办公室", "福州市政府办"),
        ("泾源县 人民政府", "关于泾源县人民政府2020年度"),
        ("青云县教育局", "青云县教育局　"),
        ("長樂市人民政府", "长乐市"),  # Traditional script reads as Simplified
        ("福州市人民政府办公厅关于", "福州市人民政府办公室"),
        ("清流县人民政府（县政务公开办）", "清流县"),
        ("《清流县人民政府2020年度政府信息公开工作报告》", "清流县"),
    ],
)
def test_one_organ_one_key(a, b):
    assert organ_key(a) == organ_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("清流县", "清流县财政局"), ("福州市人民政府办公厅", "福州市人民政府"), ("河市镇", "河市镇人民政府办公室")],
)
def test_different_organs_stay_apart(a, b):
    assert organ_key(a) != organ_key(b)


def test_clean_organ_keeps_the_name_as_written():
    assert clean_organ(" 福州市人民政府办公厅2021年度政府信息公开工作年度报告") == "福州市人民政府办公厅"
    assert organ_key("") is None and organ_key(None) is None


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("清流县", ("福建省", "三明市", "清流县")),  # a county name only one county has
        ("三明市清流县财政局", ("福建省", "三明市", "清流县")),
        ("福州市人民政府办公厅", ("福建省", "福州市", None)),
        ("鞍山市铁东区", ("辽宁省", "鞍山市", "铁东区")),  # the city chooses between the two 铁东区
        ("北京市朝阳区人民政府", ("北京市", None, "朝阳区")),
        ("宁夏回族自治区", ("宁夏回族自治区", None, None)),
        ("国家税务总局清流县税务局", ("福建省", "三明市", "清流县")),  # a vertical organ sits where its name says
        ("中共三明市委办公室", ("福建省", "三明市", None)),
    ],
)
def test_region_from_the_name(name, want):
    r = infer_region(name)
    assert (r.province, r.city, r.county) == want
    assert r.code is not None and len(r.code) == 6


@pytest.mark.parametrize(
    "name",
    [
        "铁东区",  # two cities have one: not guessed
        "朝阳区",
        "青云县教育局",  # holds 云县 in the middle, but 青云县 is no county
        "河市镇",  # a township: below the table
        "国家税务总局",
        "某某综合实验区",  # not a GB/T 2260 division
        "",
    ],
)
def test_unknown_or_ambiguous_region_is_none(name):
    assert infer_region(name) == Region()


def test_parents_csv(tmp_path):
    path = tmp_path / "parents.csv"
    path.write_text("organ,parent\n清流县财政局,清流县人民政府\n清流县教育局 ,清流县\n\n# 注释\n", encoding="utf-8")
    assert load_parents(path) == {"清流县财政局": "清流县", "清流县教育局": "清流县"}
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("机关,上级机关\n甲县民政局,甲县\n".encode("gb18030"))
    assert load_parents(gbk) == {"甲县民政局": "甲县"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("甲县财政局\n", "第1行"),
        ("甲县,甲县人民政府\n", "自己的上级"),
        ("甲,乙\n乙,甲\n", "循环"),
        ("甲,乙\n甲,丙\n", "第2行"),
    ],
)
def test_bad_parents_csv_says_which_line(text, words):
    with pytest.raises(RegionError) as e:
        parse_parents(text, "p.csv")
    assert words in str(e.value) and "p.csv" in str(e.value)


def test_missing_parents_csv(tmp_path):
    with pytest.raises(RegionError, match="无法读取"):
        load_parents(tmp_path / "none.csv")


def test_fill_regions_in_a_store(tmp_path):
    import random

    from nianbao.regions import fill_regions
    from nianbao.store import open_corpus
    from nianbao.synth import random_report

    rng = random.Random(0)
    with open_corpus(str(tmp_path / "c.db")) as c:
        ids = [
            c.add(random_report(rng, "2021", year=2022, organ=o))
            for o in ("清流县财政局", "铁东区", "福州市人民政府办公厅")
        ]
        rows = {r.id: (r.province, r.city, r.county) for r in c.stored()}  # the store files them as they come
        assert fill_regions(c) == 0  # already recorded
        assert fill_regions(c, parse_parents("铁东区,鞍山市\n")) == 1  # a parent names the region the name does not
        tiedong = next(iter(c.stored([ids[1]])))
    assert rows[ids[0]] == ("福建省", "三明市", "清流县")
    assert rows[ids[1]] == (None, None, None)  # 铁东区 alone: two divisions share the name
    assert rows[ids[2]] == ("福建省", "福州市", None)
    assert (tiedong.province, tiedong.city) == ("辽宁省", "鞍山市")


def test_region_from_the_parent_when_the_name_has_none():
    from nianbao.regions import region_of

    parents = parse_parents("教育局,清流县\n中心小学,教育局\n")
    assert region_of("中心小学", parents).county == "清流县"  # through two levels
    assert region_of("教育局").code is None  # without the map, unknown
    assert region_of("三明市财政局", parents).city == "三明市"  # its own name first

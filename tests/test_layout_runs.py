"""A run of characters set side by side (one glyph with its characters' edges, as the PDF reader makes them)
reads exactly as its characters one by one: on any page, with or without ruling lines (issue #7).

The PDF reader groups the characters of a text object that touch into one glyph, so that the layout's work
goes by words and numbers rather than characters.  That is only allowed if nothing the layout decides
depends on the grouping: the pages here are drawn at random, with rules that may cut through a word and
words printed twice a little apart (a fake bold), and each is laid out both ways.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.readers.layout import Glyph, PageLayout, chars, pages_to_text

SIZE = 10.0
WORDS = ["一、总体情况", "行政许可", "本年新收", "2569", "18", "0", "-3", "第二十条", "合计", "（一）予以公开", "12.5"]


@st.composite
def pages(draw: st.DrawFn) -> tuple[list[Glyph], list[list[Glyph]], list[tuple[float, float, float, float]]]:
    """A page as characters, the same characters grouped into runs, and its ruling lines (maybe none)."""
    singles: list[Glyph] = []
    runs: list[list[Glyph]] = []  # the characters of each run, side by side
    top = 40.0
    for _ in range(draw(st.integers(1, 8))):
        top += draw(st.sampled_from([12.0, 14.0, 16.0, 30.0]))
        x = draw(st.floats(20, 80))
        for _ in range(draw(st.integers(1, 5))):
            word = draw(st.sampled_from(WORDS))
            size = draw(st.sampled_from([SIZE, SIZE, 10.5, 14.0]))  # a line may mix type sizes
            width = draw(st.sampled_from([size, 0.55 * size, 0.5 * size]))
            glyphs = [Glyph(x + i * width, top, x + (i + 1) * width, top + size, ch) for i, ch in enumerate(word)]
            if draw(st.booleans()):  # printed twice, slightly apart
                shift = draw(st.sampled_from([0.3, 0.05 * SIZE]))
                twice = [Glyph(g.x0 + shift, g.top, g.x1 + shift, g.bottom, g.text) for g in glyphs]
                runs.append(twice)
                singles += twice
            # a run may be cut anywhere into several glyphs, as text objects are
            cuts = sorted(draw(st.sets(st.integers(1, max(1, len(glyphs) - 1)), max_size=2)))
            for a, b in zip([0, *cuts], [*cuts, len(glyphs)]):
                if glyphs[a:b]:
                    runs.append(glyphs[a:b])
            singles += glyphs
            x = glyphs[-1].x1 + draw(st.sampled_from([0.0, 2.5, 6.0, 10.0, 20.0, 40.0]))
    segments: list[tuple[float, float, float, float]] = []
    if draw(st.booleans()):  # a ruled table over the page: its columns may cut through a word
        xs = sorted(draw(st.sets(st.floats(10, 400).map(round), min_size=2, max_size=6)))
        ys = [40.0 + 7 * k for k in range(0, int((top + 30 - 40) / 7) + 1, draw(st.sampled_from([2, 3, 4])))]
        if len(ys) >= 2 and xs[-1] - xs[0] > 5:
            segments = [(xs[0], y, xs[-1], y + 0.5) for y in ys] + [(x, ys[0], x + 0.5, ys[-1]) for x in xs]
    return singles, runs, segments


def as_run(glyphs: list[Glyph]) -> Glyph:
    """One glyph for characters side by side, as the PDF reader makes it."""
    if len(glyphs) == 1:
        return glyphs[0]
    spans = tuple(v for g in glyphs for v in (g.x0, g.x1))
    g0 = glyphs[0]
    return Glyph(g0.x0, g0.top, max(g.x1 for g in glyphs), g0.bottom, "".join(g.text for g in glyphs), spans)


@settings(max_examples=300, deadline=None)
@given(pages())
def test_a_run_reads_as_its_characters(page) -> None:
    singles, runs, segments = page
    grouped = [as_run(r) for r in runs]
    assert [g.text for g in chars(grouped)] == [g.text for r in runs for g in r]
    one_by_one = pages_to_text([PageLayout(500, 700, singles, segments)])
    as_runs = pages_to_text([PageLayout(500, 700, grouped, segments)])
    assert as_runs == one_by_one

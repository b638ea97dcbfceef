"""The rendering of an explanation: markers, their legend, and wrapping (a hand-made story, text by hand)."""

from __future__ import annotations

from qualify.explain import Explanation, GenderStory, render_explanation, wrap_explanation
from qualify.model.allocation import Decision, Place, SkipReason
from qualify.model.common import Gender


def story() -> Explanation:
    drion = Place(noc="BEL", gender=Gender.MEN, event="men-sprint", pathway="sprint", step_type="ranking_walk",
                  clause="sprint", grant=1, list="sprint", rank=2, athlete="Maximilien Drion",
                  entry="Maximilien Drion")
    near = Decision(step="sprint", clause="sprint", noc="BEL", gender=Gender.MEN, list="sprint", rank=6,
                    athlete="Jan X", reason=SkipReason.QUOTA_FULL, detail="not reached", taken_by="ITA, rank 5")
    far = Decision(step="sprint", clause="sprint", noc="BEL", gender=Gender.MEN, list="sprint", rank=9,
                   athlete="Jan Y", reason=SkipReason.CAP_REACHED, detail="2 per NOC")
    return Explanation("BEL", "Belgium", [
        GenderStory(Gender.MEN, [drion], [], [near, far], near),
        GenderStory(Gender.MIXED, [], [], [], None),
    ])


EXPECTED = [
    "Belgium (BEL) in Test sport, Test edition",
    "",
    "Men: 1 place",
    "  + step 'sprint', list 'sprint', rank 2, athlete Maximilien Drion, event men-sprint [sprint]",
    "  closest miss: step 'sprint', list 'sprint', rank 6, Jan X, quota full: not reached, place went to ITA, rank 5",
    "  . step 'sprint', list 'sprint', rank 9, Jan Y, cap reached: 2 per NOC",
    "",
    "Mixed: 0 places",
    "  no mixed place: BEL appears on no list that awards one",
    "",
    "Key:",
    "  +             a place the NOC holds: step, list, rank, entry, event [clause]",
    "  closest miss  of the places missed, the one nearest to being won",
    "  .             another place missed, or a step that passed the NOC over, and why",
]


def test_markers_and_a_legend_of_the_markers_used(tiny_system):
    assert render_explanation(tiny_system, story()) == EXPECTED


def test_piped_lines_are_not_wrapped():
    assert wrap_explanation(EXPECTED, None) == EXPECTED


def test_terminal_lines_wrap_under_the_text_after_the_marker():
    wrapped = wrap_explanation(EXPECTED[3:4], 40)
    assert wrapped == [
        "  + step 'sprint', list 'sprint', rank",
        "    2, athlete Maximilien Drion, event",
        "    men-sprint [sprint]",
    ]
    # Short lines and the key are untouched; nothing is longer than the width unless one word is.
    assert wrap_explanation(["Key:", "  +  a place"], 40) == ["Key:", "  +  a place"]
    assert max(len(line) for line in wrap_explanation(EXPECTED, 40)) <= 40

"""The style family's spacing rules on real text: machine translation that left spaces inside quotation marks
(WMT21 zh-en, system "Borderline", ../shared/eval/mt-errors) and edited news that must stay quiet."""

from __future__ import annotations

from checks.config import Config
from checks.fixes import apply_fixes
from checks.pipeline import check_text
from checks.style import quote_view

# Three consecutive sentences of one machine translation, one per line as the MQM set gives them: the quotation
# opens in the second line and closes at the end of the third.
MACHINE_TRANSLATION = (
    "Marinichev said that changes in value are affected by the devaluation of the ruble and the epidemic.\n"
    '" Service costs are increasing, " he said.\n'
    'Due to the epidemic, people began to spend more time on the Internet. "'
)

# Edited news (OneStopEnglish, "Crowdfunding", advanced level), as it is: a quotation over two paragraphs, the
# first left open and the second opened again; a nested quotation with an apostrophe at its end.
EDITED = (
    "\u201cWe\u2019ve seen campaigns that go to venture capitalists get rejected because the venture guys say, 'Great "
    "idea but no idea if the market actually wants it; it could be a gadget that no one cares about,'\u201d said "
    "Ringelmann.\n"
    "\u201cThe entrepreneurs do an Indiegogo campaign \u2013 they don\u2019t even actually launch the project, but the "
    "campaign itself is enough market proof for venture capitalists to say there is a market for this. \n"
    "\u201cIt allows you to test your market, test your pricing, test your features, discover new revenue streams, "
    "get vital feedback,\u201d says Ringelmann. \n"
)


def _style_flags(text: str, config: Config | None = None):
    report = check_text(text, config=config or Config(offline=True, fast=True))
    return [f for f in report.issues if f.category == "style"]


def test_spaces_inside_quotes_of_a_machine_translation_are_flagged_and_fixed_exactly():
    flags = _style_flags(MACHINE_TRANSLATION)
    assert [(f.rule, f.text) for f in flags] == [("style.space-inside-quotes", t) for t in ('" ', ' "', ' "')]
    for flag in flags:
        assert MACHINE_TRANSLATION[flag.start : flag.end] == flag.text
    fixed = apply_fixes(MACHINE_TRANSLATION, flags)
    assert fixed.splitlines()[1:] == [
        '"Service costs are increasing," he said.',
        'Due to the epidemic, people began to spend more time on the Internet."',
    ]
    assert fixed.replace(" ", "") == MACHINE_TRANSLATION.replace(" ", "")  # only spaces were taken out


def test_straight_quotes_are_read_as_opening_or_closing_by_their_place():
    view = quote_view(MACHINE_TRANSLATION)
    assert len(view) == len(MACHINE_TRANSLATION)
    assert view.splitlines()[1:] == [
        "\u201c Service costs are increasing, \u201d he said.",
        "Due to the epidemic, people began to spend more time on the Internet. \u201d",
    ]


def test_edited_news_with_quotations_over_two_paragraphs_raises_no_style_flag():
    assert _style_flags(EDITED) == []
    straight = EDITED.replace("\u201c", '"').replace("\u201d", '"')  # as a system without curly quotes gives it
    assert _style_flags(straight) == []


def test_a_house_style_can_switch_a_spacing_rule_off():
    off = Config({"rules": {"disabled": ["style.space-inside-quotes"]}}, offline=True, fast=True)
    assert _style_flags(MACHINE_TRANSLATION, off) == []

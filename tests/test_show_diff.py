"""`atnews show --diff`: what changed between an article's revisions, word by word."""

from __future__ import annotations

import pytest

from atnews_scraper.analysis.diff import revision_diffs, word_diff
from atnews_scraper.cli import main


def test_word_diff_marks_removed_and_added_words_with_context() -> None:
    old = "one two three four five six seven eight nine ten"
    new = "one two three four FIVE six seven eight nine ten eleven"
    assert word_diff(old, new) == (
        "... two three four [-five-]{+FIVE+} six seven eight nine ten {+eleven+}"
    )
    words = [str(n) for n in range(20)]
    changed = [{"2": "x", "17": "y"}.get(word, word) for word in words]
    assert word_diff(" ".join(words), " ".join(changed)) == (
        "0 1 [-2-]{+x+} 3 4 5 ... 14 15 16 [-17-]{+y+} 18 19"
    )


def test_word_diff_of_equal_texts_is_empty() -> None:
    assert word_diff("a b c", "a  b\nc") == ""


def test_revision_diffs_name_each_changed_field() -> None:
    versions = [
        {"revision": 1, "title": "Banks need help", "tags": ["Banks"]},
        {"revision": 2, "title": "Banks need a lifeline", "tags": ["Banks", "Economy"]},
    ]
    assert revision_diffs(versions) == [
        "revision 1 -> 2:",
        "  title:  Banks need [-help-]{+a lifeline+}",
        "  tags:   added Economy",
    ]


def test_show_diff_prints_the_history_of_changes(
    analysis_store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "108", "--diff", *analysis_store]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        "\nchanges:\n"
        "revision 1 -> 2 (current):\n"
        "  title:  Editorial: Banks need [-help-]{+a lifeline+}\n"
        "  body:   ... their deposits are [-frozen.-]{+frozen abroad. A lifeline for the banks "
        "is a lifeline for the economy.+}\n"
    )

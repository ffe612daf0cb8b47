"""Which pages hold a story: the balanced, precision and recall passes of extract_page."""

import pytest

from pipeline.errors import ItemError
from pipeline.extract import extract_page

STORY = "".join(
    f"<p>Paragraph {i}: the foreign ministers of both countries met in Geneva to discuss the "
    "ceasefire and the exchange of prisoners.</p>" for i in range(6))


def _page(body: str) -> str:
    return ("<html><head><title>Talks</title></head><body><nav>Home News Sport</nav>"
            f"{body}</body></html>")


def test_a_story_in_unusual_markup_is_reached_by_the_recall_pass():
    # Balanced mode returns only the menu here and precision mode nothing at all.
    page = extract_page(_page(f"<aside>{STORY}</aside>"))
    assert "exchange of prisoners" in page.text
    assert "Home News Sport" not in page.text


def test_an_app_shell_with_no_story_is_rejected():
    body = ("<noscript>You need to enable JavaScript to run this app.</noscript>"
            "<div id='root'></div>")
    with pytest.raises(ItemError) as caught:
        extract_page(_page(body))
    assert caught.value.error_type == "NoContent"


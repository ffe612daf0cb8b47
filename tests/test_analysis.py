from pipeline.analysis import analyse_articles
from pipeline.clean import clean_articles
from pipeline.records import RawArticle
from tests.entities.helpers import ruler_pipeline

ENTITIES = {"Wang Yi": "PERSON", "Wang": "ORG", "Moscow": "GPE", "Chinese": "NORP"}


def _articles(*texts, title=None):
    raws = [RawArticle(source_uri=f"file:///{i}.txt", format="txt", text=t, title=title)
            for i, t in enumerate(texts)]
    return clean_articles(raws).ok


def test_long_texts_are_split_with_offsets_into_the_whole_text(gazetteer):
    paragraph = "Wang Yi flew to Moscow. Wang met officials there. " * 3
    text = "\n\n".join([paragraph] * 40)
    [article] = _articles(text)
    nlp = ruler_pipeline(ENTITIES)
    result = analyse_articles([article], nlp, gazetteer, max_chunk_chars=500)
    [analysed] = result.ok
    assert len(analysed.mentions) == 40 * 3 * 3
    for mention in analysed.mentions:
        assert article.text[mention.start_char:mention.end_char] == mention.text
    whole = analyse_articles([article], nlp, gazetteer, max_chunk_chars=100_000).ok[0]
    assert [m.sentence_index for m in analysed.mentions] == [
        m.sentence_index for m in whole.mentions]
    assert analysed.mentions[-1].sentence_index == 40 * 3 * 2 - 1
    assert {m.entity_name for m in analysed.mentions if m.text == "Wang"} == {"Wang Yi"}


def test_model_max_length_caps_the_chunk_size(gazetteer):
    nlp = ruler_pipeline(ENTITIES)
    nlp.max_length = 300
    [article] = _articles("Wang Yi flew to Moscow. " * 100)
    result = analyse_articles([article], nlp, gazetteer, max_chunk_chars=100_000)
    assert not result.failed
    assert len(result.ok[0].mentions) == 200


def test_title_mentions_are_kept_apart_and_give_context(gazetteer):
    [article] = _articles("Wang arrived on Monday.",
                          title="Chinese Foreign Minister Wang Yi visits Moscow")
    result = analyse_articles([article], ruler_pipeline(ENTITIES), gazetteer)
    mentions = result.ok[0].mentions
    title = [m for m in mentions if m.section == "title"]
    body = [m for m in mentions if m.section == "body"]
    assert [m.text for m in title] == ["Chinese", "Wang Yi", "Moscow"]
    assert article.title[title[1].start_char:title[1].end_char] == "Wang Yi"
    assert [(m.text, m.entity_name, m.country_code) for m in body] == [
        ("Wang", "Wang Yi", "CHN")]


def test_paragraph_datelines_are_not_parsed_as_subjects(gazetteer):
    from pipeline.parsing import without_datelines

    text = "Intro line.\n\nPARIS — Wang Yi flew to Moscow.\n\nKINSHASA (Reuters) — Wang met."
    blanked = without_datelines(text)
    assert len(blanked) == len(text)
    assert "PARIS" not in blanked and "Reuters" not in blanked
    assert blanked.endswith("Wang Yi flew to Moscow.\n\n" + " " * 21 + "Wang met.")
    [article] = _articles(text)
    result = analyse_articles([article], ruler_pipeline(ENTITIES), gazetteer)
    for mention in result.ok[0].mentions:
        assert article.text[mention.start_char:mention.end_char] == mention.text

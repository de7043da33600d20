"""Cleaning keeps the article and drops the website around it; metadata is found in the text."""

from pathlib import Path

import pytest

from hpassist.documents import clean, load_folder, parse_document, read_text_file

from hpassist.settings import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"


@pytest.fixture(scope="module")
def docs():
    return {d.source[:3]: d for d in load_folder(SEEDS)}


@pytest.mark.parametrize(
    "doc_id, junk",
    [
        ("001", "Tin bài liên quan"),
        ("001", "Đọc nhiều"),
        ("001", "Các tin bài khác"),
        ("001", "[Infographic]"),
        ("001", "![]()"),
        ("001", "Ảnh: Báo Hải Phòng"),
        ("001", "Venezuela"),  # a related-news teaser, not the article
        ("002", "Hai Phong Portal"),
        ("002", "Editor-in-chief"),
        ("002", "Head office"),
        ("004", ">>>"),
        ("004", "Có thể bạn quan tâm"),
        ("004", "Israel"),  # only in a >>> link line
        ("000", "date 2025-05-20"),
    ],
)
def test_boilerplate_is_gone(docs, doc_id, junk):
    assert junk not in docs[doc_id].clean_text


@pytest.mark.parametrize(
    "doc_id, content",
    [
        ("000", "US$14.2 billion across 186 projects"),
        ("000", "Lee Kyung Hee, vice chairman of KOCHAM Hải Phòng"),
        ("001", "320 dự án và tổng vốn đăng ký đầu tư lên tới hơn 15,4 tỷ USD"),
        ("001", "Jeil Group và SK Group"),
        ("002", "15 industrial parks covering an area of over 6,200 hectares"),
        ("003", "183 dự án và tổng vốn đầu tư đăng ký đạt 11,5 tỷ USD"),
        ("004", "Tỷ lệ lấp đầy các KCN hiện nay đạt 63,8%"),
        ("004", "494 dự án đầu tư trực tiếp từ nước ngoài"),
    ],
)
def test_real_content_is_kept(docs, doc_id, content):
    assert content in docs[doc_id].clean_text


def test_every_paragraph_points_into_the_original(docs):
    for doc in docs.values():
        for span in doc.paragraphs:
            assert doc.raw[span.start : span.end] == doc.text_of(span)
            assert doc.text_of(span) == doc.text_of(span).strip()


@pytest.mark.parametrize(
    "doc_id, date, language",
    [("000", "2025-05-20", "en"), ("001", "2026", "vi"), ("002", None, "en"), ("003", "2024-04-23", "vi"), ("004", "2023-08", "vi")],
)
def test_dates_and_languages(docs, doc_id, date, language):
    assert docs[doc_id].date == date
    assert docs[doc_id].language == language


def test_titles(docs):
    assert docs["001"].title.startswith("Cộng đồng doanh nghiệp Hàn Quốc")
    assert docs["002"].title == "Developing High-Quality Human Resources"
    assert all(d.title for d in docs.values())


def test_english_date_and_month_year():
    doc = parse_document("x.txt", "Investors met in Hai Phong on the 3rd day of the fair.\nThe fair ran on March 3, 2024 in the city centre.")
    assert doc.date == "2024-03-03"
    doc = parse_document("y.txt", "Lũy kế đến hết tháng 8/2023, các KCN đã thu hút được nhiều dự án đầu tư mới.")
    assert doc.date == "2023-08"


def test_only_navigation_yields_no_paragraphs():
    title, paragraphs = clean("Home\nTiếng Việt\n>>>Một liên kết khác ở đây\nĐọc nhiều\nTin bất kỳ dài dòng ở đây nữa.")
    assert paragraphs == ()


def test_binary_and_bad_encoding_are_rejected(tmp_path: Path):
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(ValueError, match="binary"):
        read_text_file(binary)
    latin = tmp_path / "l.txt"
    latin.write_bytes("Hải Phòng".encode("utf-16-le")[1:] + b"\xff\xfe\xfa")
    with pytest.raises(ValueError):
        read_text_file(latin)

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


# ----- dates: explicit metadata first, then the byline, then the text; never a plan's horizon ---------------
TODAY = __import__("datetime").date(2026, 12, 2)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("date 2024-06 Industrial parks at a glance\n\nThe province had 16 parks in 2008 and more by 7/2025.", "2024-06"),
        ("Industrial parks at a glance\ndate 2023\n\nThe parks were planned in 2008 by the province.", "2023"),
        ("Home | News | Economy\nThứ Hai, 30/06/2025 - 20:30\n\nTừ ngày 1/7/2025, hai tỉnh chính thức hợp nhất thành tỉnh mới.", "2025-06-30"),
        ("입력 2024.09.23 14:02 | 댓글 0 | 글씨크기\n\n삼성디스플레이가 2025년 10월까지 18억 달러를 추가로 투입한다.", "2024-09-23"),
        ("The plan for the period to 2030, with a vision to 2050, was approved in 2023 by the province.", "2023"),
        ("Quy hoạch tỉnh thời kỳ 2021–2030 được phê duyệt năm 2023, đặt mục tiêu đến năm 2030 trở thành thành phố.", "2023"),
        ("The project will be finished on March 3, 2031, the investor said at a press conference in 2024.", "2024"),
    ],
)
def test_publication_date(raw, expected):
    from hpassist.documents import find_date

    assert find_date(raw, raw, today=TODAY) == expected


def test_a_future_date_line_is_not_a_publication_date():
    from hpassist.documents import find_date

    raw = "date 2030-01-01 Plan\n\nThe province approved the plan in 2024 after long consultations."
    assert find_date(raw, raw, today=TODAY) == "2024"


# ----- not evidence: captions, credits, menus, bylines, desk prefixes, a repeated headline ----------------
@pytest.mark.parametrize(
    "line",
    [
        "Toàn cảnh khu công nghiệp Yên Phong nhìn từ trên cao. Ảnh: TTXVN",
        "Ảnh: Báo Bắc Ninh",
        "A worker at an electronics plant in the province. Photo: VNA",
        "(사진) 박닌성 옌퐁 산업단지 입구. 사진=인사이드비나 DB",
        "Trang chủ | Tin tức | Kinh tế | Đầu tư",
        "Home > Business > Investment",
        "Kinh tế > Địa phương",
        "Trang chủ › Kinh tế › Đầu tư",
        "Download the investor handbook | Contact the IP Management Board | Back to top",
        "Thứ Sáu, 05/01/2024 - 09:15 GMT+7",
        "07/01/2025, 06:00",
        "Copyright © 2024 Provincial News Agency. All rights reserved.",
        "Bản quyền thuộc Báo điện tử tỉnh. Ghi rõ nguồn khi phát hành lại thông tin.",
        "저작권자 © 경제신문 무단전재 및 재배포 금지",
        "[Photo] Assembly lines at an electronics plant in the park",
        "[사진] 박닌성 산업단지 전경과 진입로",
        "Phóng viên Minh Anh | 22/09/2024 19:37",
        "Printer-friendly version | Share | Email",
        "▶ 관련기사: 베트남 북부 산업단지 임대 수요 꾸준",
        "Tin liên quan: Bắc Ninh thu hút thêm nhiều dự án mới",
    ],
)
def test_non_content_lines_are_dropped(line):
    raw = f"Bac Ninh draws new investors\n\n{line}\n\nThe province licensed 48 new projects in the first two months of the year."
    title, paragraphs = clean(raw)
    kept = [raw[p.start : p.end] for p in paragraphs]
    assert title == "Bac Ninh draws new investors" and line not in kept and len(kept) == 2


def test_desk_prefix_and_repeated_headline_are_dropped():
    raw = ("삼성디스플레이, 박닌성에 18억 달러 추가 투자\n\n[하노이=국제부] 삼성디스플레이, 박닌성에 18억 달러 추가 투자\n\n"
           "삼성디스플레이가 베트남 북부 박닌성에 18억 달러를 추가로 투입한다.")
    title, paragraphs = clean(raw)
    assert [raw[p.start : p.end] for p in paragraphs] == [title, "삼성디스플레이가 베트남 북부 박닌성에 18억 달러를 추가로 투입한다."]


def test_korean_text_is_split_into_sentences():
    from hpassist.chunking import split_sentences
    from hpassist.schema import Span

    raw = "박닌성의 FDI 유치액은 약 34억7000만 달러로 집계됐다. 지난해 같은 기간의 약 3배다. (사진) 설명은 없다."
    assert [raw[s.start : s.end] for s in split_sentences(raw, Span(0, len(raw)))] == [
        "박닌성의 FDI 유치액은 약 34억7000만 달러로 집계됐다.", "지난해 같은 기간의 약 3배다.", "(사진) 설명은 없다."]


def test_front_matter_dates_keep_their_precision():
    from hpassist.readers import markdown_text

    assert markdown_text("---\ntitle: Parks\ndate: 2024-06\n---\nThe parks grew fast this year.").startswith("date 2024-06 Parks\n")
    assert markdown_text("---\ndate: 2024-06-12T08:00:00+07:00\n---\nText of the page.").startswith("date 2024-06-12\n")

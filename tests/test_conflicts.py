"""Figures that change over time are told apart by date, newest first."""

from hpassist.conflicts import local_figures


def test_local_figures_keep_units_and_decimals():
    assert [f.written for f in local_figures("với tổng số 183 dự án và tổng vốn đầu tư đăng ký đạt 11,5 tỷ USD.")] == ["183 dự án", "11,5 tỷ USD"]
    assert [f.written for f in local_figures("with US$14.2 billion across 186 projects.")] == ["US$14.2 billion", "186 projects"]


def test_national_totals_are_not_local_figures():
    text = "Hiện nay, Hàn Quốc đã đầu tư 85,9 tỷ USD tại Việt Nam, trong đó, tổng vốn đầu tư tại Hải Phòng là gần 12 tỷ USD (chiếm 14% cả nước)."
    assert [f.written for f in local_figures(text) if f.unit == "usd"] == ["gần 12 tỷ USD"]
    assert [f.written for f in local_figures(text, national=True) if f.unit == "usd"] == ["85,9 tỷ USD"]
    assert [f.render("en") for f in local_figures(text) if f.unit == "percent"] == ["14%"]  # a share of the national total


def test_figures_are_restated_in_the_reader_language_with_the_same_value():
    from hpassist.text import quantities

    (projects, money) = local_figures("với 320 dự án và tổng vốn đăng ký đầu tư lên tới hơn 15,4 tỷ USD, tiếp tục")
    assert money.render("en") == "more than US$15.4 billion"
    assert money.render("vi") == "hơn 15,4 tỷ USD"
    assert money.render("ko") == "154억 달러 이상"
    assert projects.render("ko") == "320개 프로젝트"
    for language in ("en", "vi", "ko"):
        assert quantities(money.render(language)) == quantities("15,4 tỷ USD")

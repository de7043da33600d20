"""Figures that change over time are told apart by date, newest first."""

from hpassist.conflicts import local_figures


def test_local_figures_keep_units_and_decimals():
    assert local_figures("với tổng số 183 dự án và tổng vốn đầu tư đăng ký đạt 11,5 tỷ USD.") == ("183 dự án", "11,5 tỷ USD")
    assert local_figures("with US$14.2 billion across 186 projects.") == ("US$14.2 billion", "186 projects")


def test_national_totals_are_not_local_figures():
    text = "Hiện nay, Hàn Quốc đã đầu tư 85,9 tỷ USD tại Việt Nam, trong đó, tổng vốn đầu tư tại Hải Phòng là gần 12 tỷ USD (chiếm 14% cả nước)."
    assert local_figures(text) == ("12 tỷ USD",)

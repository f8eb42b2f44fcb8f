import pytest

from core.money import format_vnd
from core.text import fold, fold_words


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Bưởi đỏ Đông Cao", "buoi do dong cao"),
        ("  CHÈ   Tân Cương ", "che tan cuong"),
        ("Mật ong hoa nhãn", "mat ong hoa nhan"),
        ("", ""),
    ],
)
def test_fold_ignores_diacritics_case_and_spacing(typed, folded):
    assert fold(typed) == folded


def test_fold_words_drops_punctuation():
    assert fold_words("Chốt B01, x2!") == ["chot", "b01", "x2"]


@pytest.mark.parametrize(("amount", "shown"), [(120000, "120.000 ₫"), (0, "0 ₫"), (1500000, "1.500.000 ₫"), (-5000, "-5.000 ₫")])
def test_vnd_is_shown_vietnamese_style(amount, shown):
    assert format_vnd(amount) == shown


def test_private_files_have_no_url():
    from django.core.files.storage import storages

    with pytest.raises(ValueError, match="no URL"):
        storages["private"].url("dossiers/chung-nhan.pdf")

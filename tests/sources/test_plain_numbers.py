"""The compiled parser of plain number text (bri_carbon.sources.plain_numbers) gives what
pandas.read_csv, and so pymrio, gives, bit for bit, and hands every other text back."""

from __future__ import annotations

import io
import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bri_carbon.sources import plain_numbers, tsv, wide_csv

#: Fields where a parser that is not correctly rounded, or drops digits, goes wrong: the
#: halfway cases around 2^53, the smallest and largest doubles and their neighbours,
#: more significant digits than a double holds, exponents beyond 10^22, underflow to zero.
HARD_FIELDS = [
    "0", "-0", "+0", "0.0", "-0.0", "0e5", "000123", "-.5", "+.5", "0.1", "0.3",
    "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740995",
    "18014398509481985", "123456789012345678901234567890", "1.00000000000000011102230246251565",
    "2.2250738585072011e-308", "2.2250738585072014E-308", "4.9406564584124654e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "-1e-400",
    "1.7976931348623157e308", "1.7976931348623158e+308", "1e22", "1e23", "8.5e-23",
    "7.2057594037927933e16", "0.000000000000000000000000000000123456789", "3.14159e0000000002",
    "33024.412", "0.00063243577", "1.2345678e-05", "-677.011",
]  # fmt: skip


def _pandas(text: bytes, separator: str = "\t") -> np.ndarray:
    """pymrio's way: read_csv with the separator, no header, float64."""
    return pd.read_csv(io.BytesIO(text), sep=separator, header=None, dtype=np.float64).to_numpy()


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool((a.view(np.uint64) == b.view(np.uint64)).all())


def _lines(fields: list[str], width: int, separator: str = "\t", end: str = "\n") -> bytes:
    rows = [separator.join(fields[i : i + width]) for i in range(0, len(fields), width)]
    return "".join(row + end for row in rows).encode()


def test_the_compiled_parser_is_built():
    """The package was installed with a C compiler (make does), so the fast path is the one
    the other tests here check; without it they would only check pandas against itself."""
    assert plain_numbers.COMPILED, (
        "bri_carbon.sources._delimited_numbers is not built: install a C compiler and "
        "reinstall bri-carbon (delete .venv and run make again)"
    )


@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("separator", ["\t", ","])
def test_hard_fields_parse_to_pandas_bits(separator, end):
    width = 7
    fields = (HARD_FIELDS * width)[: len(HARD_FIELDS) * width]
    text = _lines(fields, width, separator, end)
    parsed = plain_numbers.parse_plain(text, width, separator)
    assert parsed is not None
    assert _same_bits(parsed, _pandas(text, separator))


def test_real_volume_fields_parse_to_pandas_bits():
    """Eora's T at real volume: 7-8 significant digits over many orders of magnitude."""
    rng = np.random.default_rng(5)
    values = rng.lognormal(0.0, 8.0, (200, 300)) * rng.choice([-1.0, 0.0, 1.0], (200, 300))
    fields = [f"{v:.{rng.integers(5, 9)}e}" for v in values.flat]
    fields += [np.format_float_positional(v, precision=8, trim="-") for v in values.flat]
    text = _lines(fields, 300)
    parsed = plain_numbers.parse_plain(text, 300, "\t")
    assert parsed is not None
    assert _same_bits(parsed, _pandas(text))


_DIGITS = "0123456789"
_FIELD = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{whole}{fraction}{exponent}",
    st.sampled_from(["", "-", "+"]),
    st.text(_DIGITS, min_size=1, max_size=25),
    st.sampled_from([""]) | st.text(_DIGITS, min_size=1, max_size=25).map(lambda d: "." + d),
    st.sampled_from([""])
    | st.builds(
        lambda e, sign, digits: f"{e}{sign}{digits}",
        st.sampled_from("eE"),
        st.sampled_from(["", "+", "-"]),
        st.integers(0, 400).map(str) | st.text(_DIGITS, min_size=1, max_size=6),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FIELD, min_size=4, max_size=40).map(lambda f: f[: len(f) // 4 * 4]))
def test_any_plain_field_parses_to_pandas_bits(fields):
    """Every field of the accepted form (at most 60 characters): the same bits as pandas,
    or None when pandas finds a value that is not finite (overflow), as the caller's
    checks must then see it."""
    text = _lines(fields, 4)
    expected = _pandas(text)
    parsed = plain_numbers.parse_plain(text, 4, "\t")
    if np.isfinite(expected).all():
        assert parsed is not None and _same_bits(parsed, expected)
    else:
        assert parsed is None


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"1\t2",  # no line break at the end
        b"1\t2\n\n",  # a blank line
        b"1\t\n",  # an empty field
        b" 1\t2\n",
        b"1\t2 \n",
        b'"1"\t2\n',
        b"NaN\t1\n",
        b"inf\t1\n",
        b"1.\t2\n",
        b".\t2\n",
        b"-\t2\n",
        b"1e\t2\n",
        b"1e+\t2\n",
        b"--1\t2\n",
        b"1,5\t2\n",
        b"0x1p3\t2\n",
        b"1\t2\t3\n",  # too wide
        b"1\n",  # too narrow
        b"1\t2\r\r\n",
        b"1e999\t2\n",  # overflows
        b"1." + b"3" * 70 + b"\t2\n",  # longer than the parser takes
    ],
)
def test_other_text_is_handed_back(text):
    assert plain_numbers.parse_plain(text, 2, "\t") is None


def test_threads_parse_at_once_to_the_same_numbers():
    """The parser runs without the GIL: blocks parsed on two threads at once match."""
    rng = np.random.default_rng(8)
    blocks = [
        _lines([f"{v:.8g}" for v in rng.lognormal(0.0, 5.0, 50 * 400)], 400) for _ in range(8)
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        parsed = list(pool.map(lambda block: plain_numbers.parse_plain(block, 400, "\t"), blocks))
    for block, values in zip(blocks, parsed, strict=True):
        assert values is not None and _same_bits(values, _pandas(block))


@pytest.mark.parametrize("compiled", [True, False])
def test_readers_give_the_same_numbers_with_or_without_it(monkeypatch, compiled):
    """Eora's blocks (tsv) and GLORIA's (wide_csv): the same arrays whichever parser runs."""
    if not compiled:
        monkeypatch.setattr(plain_numbers, "_delimited_numbers", None)
    rng = np.random.default_rng(3)
    values = rng.lognormal(0.0, 6.0, (40, 50)) * rng.choice([0.0, 1.0], (40, 50))
    fields = [f"{v:.9g}" for v in values.flat]
    tabs, commas = _lines(fields, 50), _lines(fields, 50, ",")
    assert _same_bits(tsv.parse_block(tabs, 50)[1], _pandas(tabs))
    assert _same_bits(wide_csv.parse_block(commas, 50, lambda r, c: ""), _pandas(commas, ","))


def test_the_log_says_which_parser_runs(monkeypatch, caplog):
    with caplog.at_level(logging.INFO):
        plain_numbers.log_parser(logging.getLogger("reader"))
    assert "compiled parser" in caplog.text and caplog.records[-1].levelno == logging.INFO
    monkeypatch.setattr(plain_numbers, "COMPILED", False)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        plain_numbers.log_parser(logging.getLogger("reader"))
    assert caplog.records[-1].levelno == logging.WARNING and "C compiler" in caplog.text


def _pandas_labelled(text: bytes, labels: int, width: int) -> tuple[list[tuple], np.ndarray]:
    """pymrio's way for EXIOBASE: label columns as text, the rest float64."""
    dtype = {i: (str if i < labels else np.float64) for i in range(labels + width)}
    frame = pd.read_csv(io.BytesIO(text), sep="\t", header=None, dtype=dtype)
    rows = list(frame.iloc[:, :labels].itertuples(index=False, name=None))
    return rows, frame.iloc[:, labels:].to_numpy(dtype=np.float64)


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_labelled_lines_give_pandas_labels_and_bits(end):
    """EXIOBASE's Z: region and sector, then the numbers (here with 17 digits, as pandas
    writes them, and the hard fields)."""
    rng = np.random.default_rng(4)
    width = 9
    lines = []
    for row in range(60):
        numbers = [repr(float(v)) for v in rng.lognormal(0.0, 7.0, width)]
        numbers[row % width] = HARD_FIELDS[row % len(HARD_FIELDS)]
        region, sector = ["AT", "WF", "CN"][row % 3], f"Manufacture of n.e.c. (#{row}), ü"
        lines.append("\t".join([region, sector, *numbers]) + end)
    text = "".join(lines).encode()
    parsed = plain_numbers.parse_labelled(text, width, 2, "\t")
    assert parsed is not None
    rows, values = _pandas_labelled(text, 2, width)
    assert parsed[0] == rows
    assert _same_bits(parsed[1], values)


def test_the_missing_label_strings_are_pandas_own():
    """A label pandas reads as missing (NaN) is handed back; every other string is a label."""
    others = ["na", "Na", " NA", "NA ", "NaNa", "none", "NULL!", "-", "0", "N/A/", "WA"]
    candidates = sorted(plain_numbers.PANDAS_MISSING) + others
    text = "".join(f"{label}\tx\t1\n" for label in candidates).encode()
    frame = pd.read_csv(io.BytesIO(text), sep="\t", header=None, dtype=str)
    read_as_missing = {
        label for label, value in zip(candidates, frame[0], strict=True) if pd.isna(value)
    }
    assert read_as_missing == set(plain_numbers.PANDAS_MISSING)
    for label in candidates:
        parsed = plain_numbers.parse_labelled(f"{label}\tx\t1\n".encode(), 1, 2, "\t")
        assert (parsed is None) == (label in plain_numbers.PANDAS_MISSING), label


@pytest.mark.parametrize(
    "text",
    [b'"AT"\tx\t1\n', b"A\xffT\tx\t1\n", b"AT\tx\n", b"AT\n", b"AT\tx\t1\t2\n", b"AT\tx\tNaN\n"],
)
def test_other_labelled_text_is_handed_back(text):
    assert plain_numbers.parse_labelled(text, 1, 2, "\t") is None


@pytest.mark.parametrize("compiled", [True, False])
def test_labelled_blocks_give_the_same_rows_with_or_without_it(monkeypatch, compiled):
    if not compiled:
        monkeypatch.setattr(plain_numbers, "_delimited_numbers", None)
    rng = np.random.default_rng(6)
    text = "".join(
        "\t".join(["DE", f"sector {row}", *(f"{v:.12g}" for v in rng.lognormal(0, 4, 30))]) + "\n"
        for row in range(25)
    ).encode()
    rows, values = tsv.parse_block(text, 30, labels=2)
    expected_rows, expected = _pandas_labelled(text, 2, 30)
    assert rows == expected_rows and _same_bits(values, expected)

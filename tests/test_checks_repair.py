"""Checks and repair: relations detect any single corrupted cell; repair is right or absent."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.data.form import APP_PARTS, REVIEW_COLS, REVIEW_GROUPS, application_rows, outcome_rows
from gongkai.data.record import TableValues
from gongkai.inference.checks import check_tables, violations
from gongkai.inference.repair import fill_unknowns, is_ocr_confusable, repair_ocr_digits


def consistent_tables(rng: random.Random, other_split: bool = True, scale: int = 50) -> TableValues:
    """Applications and review tables that satisfy relations 1–4 (built independently here)."""
    tv = TableValues(other_split=other_split, found={"applications", "review_litigation"})
    outcomes = outcome_rows(other_split)
    t = "applications"
    for key in outcomes:
        for c in APP_PARTS:
            tv.values[f"{t}.{key}.{c}"] = rng.choice([0, 0, rng.randint(0, scale)])
    for c in APP_PARTS:
        total = sum(tv.values[f"{t}.{k}.{c}"] for k in outcomes)
        tv.values[f"{t}.total.{c}"] = total
        fwd = rng.randint(0, 3)
        carried = rng.randint(0, min(total + fwd, 5))
        tv.values[f"{t}.carried_forward.{c}"] = fwd
        tv.values[f"{t}.carried_over.{c}"] = carried
        tv.values[f"{t}.new_received.{c}"] = total + fwd - carried
    for r in application_rows(other_split):
        tv.values[f"{t}.{r.key}.total"] = sum(tv.values[f"{t}.{r.key}.{c}"] for c in APP_PARTS)
    for g in REVIEW_GROUPS:
        parts = [rng.randint(0, 4) for _ in REVIEW_COLS[:-1]]
        for c, v in zip(REVIEW_COLS[:-1], parts, strict=True):
            tv.values[f"review_litigation.{g}.{c}"] = v
        tv.values[f"review_litigation.{g}.total"] = sum(parts)
    return tv


def _cells(tv: TableValues) -> list[str]:
    return [k for k in tv.all_keys()]


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**9), delta=st.integers(-30, 30).filter(lambda d: d != 0))
def test_any_single_change_is_detected(seed, delta):
    rng = random.Random(seed)
    tv = consistent_tables(rng, other_split=rng.random() < 0.7)
    assert not violations(tv)
    key = rng.choice(_cells(tv))
    new = max(0, tv.values[key] + delta)
    if new == tv.values[key]:
        new += 1
    tv.values[key] = new
    issues = [i for i in check_tables(tv) if i.severity == "error"]
    assert issues
    assert all(key in i.cells for i in issues)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_single_unknown_is_filled_with_the_true_value(seed):
    rng = random.Random(seed)
    tv = consistent_tables(rng)
    key = rng.choice(_cells(tv))
    truth = tv.values[key]
    tv.values[key] = None
    issues = fill_unknowns(tv)
    assert tv.values[key] == truth
    assert [i.code for i in issues] == [f"{key.split('.')[0]}.repaired"]
    assert issues[0].cells == [key]


def _confusable_misread(rng: random.Random, value: int) -> str:
    s = str(value)
    swaps = {"0": "8", "8": "0", "6": "8", "1": "7", "7": "1", "3": "8", "5": "6", "9": "8"}
    kind = rng.choice(["swap", "drop", "double"])
    i = rng.randrange(len(s))
    if kind == "swap" and s[i] in swaps:
        return s[:i] + swaps[s[i]] + s[i + 1 :]
    if kind == "drop" and len(s) > 1:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_ocr_misread_is_repaired_right_or_reported(seed):
    rng = random.Random(seed)
    tv = consistent_tables(rng)
    printed = {k: str(v) for k, v in tv.values.items()}
    key = rng.choice(_cells(tv))
    truth = tv.values[key]
    misread = _confusable_misread(rng, truth)
    if int(misread) == truth:
        return
    printed[key] = misread
    tv.values[key] = int(misread)
    tv.from_ocr = True
    issues = repair_ocr_digits(tv, printed)
    if issues:
        # A repair, when made, is always the true value of the corrupted cell.
        assert issues[0].cells == [key]
        assert tv.values[key] == truth
        assert not violations(tv)
    else:
        assert violations(tv)


def test_confusable_digits():
    assert is_ocr_confusable("8", 0)
    assert is_ocr_confusable("17", 11)
    assert is_ocr_confusable("122", 12)
    assert is_ocr_confusable("12", 122)
    assert not is_ocr_confusable("12", 45)
    assert not is_ocr_confusable("4", 4)


def test_clean_text_is_not_digit_repaired():
    rng = random.Random(3)
    tv = consistent_tables(rng)
    tv.values["applications.granted.natural_person"] = (tv.values["applications.granted.natural_person"] or 0) + 8
    before = dict(tv.values)
    # fill_unknowns only fills unknowns: a printed, inconsistent value stays as printed.
    assert fill_unknowns(tv) == []
    assert tv.values == before
    assert any(i.code == "applications.row_total" for i in check_tables(tv))


def test_negative_or_fractional_counts_are_errors():
    tv = consistent_tables(random.Random(5))
    tv.values["applications.granted.research"] = -1
    tv.values["review_litigation.review.upheld"] = 1.5
    codes = {i.code for i in check_tables(tv)}
    assert "applications.invalid_value" in codes
    assert "review_litigation.invalid_value" in codes


def test_an_unread_other_row_is_named_in_both_forms():
    """A report whose (六)其他处理 row(s) could not be read at all (dropped by OCR or the source)
    gets one warning naming the row's cells in both of its printed forms."""
    import re

    from gongkai.data.synth.content import make_report
    from gongkai.data.synth.document import build_document
    from gongkai.data.synth.render_text import draw_options, render_text
    from gongkai.inference.pipeline import parse_text

    other_line = re.compile(r"其他处理|逾期不补正|逾期未按收费通知|^\s*3\s*[.、．]\s*其他")
    seen_forms = set()
    for i in range(6):
        rng = random.Random(f"other-row-{i}")
        rep = make_report(rng, template="2021" if i % 2 else "2019")
        text, _ = render_text(build_document(rep, rng), draw_options("tab", rng), rng)
        whole = parse_text(text)
        assert "applications.other_unread" not in {x.code for x in whole.issues}
        cut = "\n".join(ln for ln in text.split("\n") if not other_line.search(ln))
        assert cut != text
        rec = parse_text(cut)
        named = [x for x in rec.issues if x.code == "applications.other_unread"]
        assert len(named) == 1 and named[0].severity == "warning", text
        forms = {k.split(".")[2] for k in named[0].cells}
        assert forms == {"total", "no_correction", "unpaid_fee", "other"}
        gold_keys = {k for k in rep.tables.values if k.startswith("applications.other.")}
        assert gold_keys and gold_keys <= set(named[0].cells)  # whichever form this report prints
        seen_forms.add(rep.tables.other_split)
    assert seen_forms == {True, False}

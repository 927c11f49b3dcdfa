"""BG/NBD (Fader, Hardie & Lee 2005) on the paper's own data, and its formulas on histories checked by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesbook.core import bgnbd

DATA = Path(__file__).resolve().parents[1] / "data" / "cdnow"
PAPER = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CALIBRATION_END = dt.date(1997, 9, 30)  # 39 weeks after 1997-01-01


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    tx = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, dtype={"date": str},
                     names=["master_id", "customer_id", "date", "cds", "amount"])
    return tx.assign(order_date=pd.to_datetime(tx["date"], format="%Y%m%d"))


def test_our_summary_of_the_raw_transactions_is_the_papers_calibration_summary(transactions):
    ours = bgnbd.summary(transactions, CALIBRATION_END)
    paper = pd.read_csv(DATA / "cdnow_customers_summary.csv", index_col="ID")
    assert len(ours) == len(paper) == 2357
    assert (ours["x"].to_numpy() == paper["frequency"].to_numpy()).all()
    np.testing.assert_allclose(ours["t_x"], paper["recency"], atol=0.006)  # the csv rounds to 2 decimals
    np.testing.assert_allclose(ours["T"], paper["T"], atol=0.006)


def test_the_fit_reproduces_the_published_parameters_within_2_percent(transactions):
    f = bgnbd.fit(bgnbd.summary(transactions, CALIBRATION_END))
    assert f.ok and f.customers == 2357
    for name, published in PAPER.items():
        assert getattr(f, name) == pytest.approx(published, rel=0.02), name
    assert f.log_likelihood == pytest.approx(-9582.4, abs=0.5)  # the paper's LL


def test_p_alive_and_expected_purchases_by_the_papers_formulas():
    f = bgnbd.Fit(r=0.243, alpha=4.414, a=0.793, b=2.426)
    h = pd.DataFrame({"x": [0.0, 2.0, 2.0], "t_x": [0.0, 30.43, 5.0], "T": [38.86, 38.86, 38.86]})
    p = bgnbd.p_alive(f, h)
    assert p.iloc[0] == 1.0  # no repeat purchase: never seen to drop out
    for i in (1, 2):
        x, tx, T = h.iloc[i]
        odds = 0.793 / (2.426 + x - 1) * ((4.414 + T) / (4.414 + tx)) ** (0.243 + x)
        assert p.iloc[i] == pytest.approx(1 / (1 + odds))
    assert p.iloc[2] < p.iloc[1]  # same purchases, silent longer: less likely alive
    # E[Y(t)] for a new customer (x = 0) at T = 0 is the unconditional E[X(t)] (paper eq. 7)
    t = 39.0
    e0 = bgnbd.expected_purchases(f, pd.DataFrame({"x": [0.0], "t_x": [0.0], "T": [0.0]}), t).iloc[0]
    from scipy.special import hyp2f1

    a, b, r, al = 0.793, 2.426, 0.243, 4.414
    unconditional = (a + b - 1) / (a - 1) * (1 - (al / (al + t)) ** r * hyp2f1(r, b, a + b - 1, t / (al + t)))
    assert e0 == pytest.approx(unconditional)


def test_the_papers_figure_a_customer_expected_purchases():
    # FHL 2005 §5: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in 39 weeks
    f = bgnbd.Fit(r=0.243, alpha=4.414, a=0.793, b=2.426)
    h = pd.DataFrame({"x": [2.0], "t_x": [30.43], "T": [38.86]})
    assert bgnbd.expected_purchases(f, h, 39).iloc[0] == pytest.approx(1.226, abs=0.002)


def test_too_few_repeat_buyers_is_not_a_fit_and_says_why():
    h = pd.DataFrame({"x": [0.0] * 50 + [1.0] * 3, "t_x": [0.0] * 50 + [2.0] * 3, "T": [10.0] * 53})
    f = bgnbd.fit(h)
    assert not f.ok and "repeat buyers" in f.reason and f.repeat_buyers == 3
    fit, scored = bgnbd.score(pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(
        ["2024-01-01", "2024-02-01"])}), dt.date(2024, 3, 1))
    assert not fit.ok and scored["p_alive"].isna().all()


def test_orders_after_as_of_and_same_day_orders_do_not_count():
    o = pd.DataFrame({"customer_id": ["c"] * 4,
                      "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-03-01"])})
    h = bgnbd.summary(o, dt.date(2024, 1, 29))
    assert h.loc["c"].tolist() == [1.0, 2.0, 4.0]  # one repeat day, 2 weeks, 4 weeks


def test_input_is_not_changed(transactions):
    before = transactions.copy()
    bgnbd.score(transactions.head(500), CALIBRATION_END)
    pd.testing.assert_frame_equal(transactions, before)
    assert math.isfinite(bgnbd.fit(bgnbd.summary(transactions, CALIBRATION_END)).r)

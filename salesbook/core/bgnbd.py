"""Churn probability: the BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

Each customer buys at a Poisson rate λ while active, and after any purchase drops out for good with
probability p. Across customers λ ~ Gamma(r, α) and p ~ Beta(a, b). From a customer's history —
``x`` repeat purchases (purchase days after the first), ``t_x`` the time of the last one and ``T`` the time
since the first, both measured from the first purchase — the model gives

* the likelihood of that history (maximised over r, α, a, b with scipy),
* ``P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))``,
* the expected number of purchases in the next ``t`` (equation 10 of the paper, with the Gaussian
  hypergeometric function ₂F₁).

Time is measured in weeks (the paper's unit); purchases on the same day count once. Identical histories are
fitted once, with a weight, so 100k customers fit in well under a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

UNIT_DAYS = 7.0
MIN_REPEAT_BUYERS = 20  # fewer customers with a repeat purchase than this: the fit is not trusted


@dataclass(frozen=True)
class Fit:
    """Fitted parameters (r, α, a, b), or why there are none (``reason``; then ``ok`` is False)."""

    r: float = float("nan")
    alpha: float = float("nan")
    a: float = float("nan")
    b: float = float("nan")
    customers: int = 0
    repeat_buyers: int = 0
    log_likelihood: float = float("nan")
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def summary(orders: pd.DataFrame, as_of: dt.date, *, customer: str = "customer_id", date: str = "order_date",
            unit_days: float = UNIT_DAYS) -> pd.DataFrame:
    """Per customer: ``x`` (repeat purchase days), ``t_x`` and ``T`` (in units of ``unit_days``) as of ``as_of``.

    Orders after ``as_of`` are ignored; several orders on one day are one purchase. Index: the customer.
    """
    end = pd.Timestamp(as_of)
    d = orders.loc[orders[date].notna() & (orders[date] <= end), [customer, date]]
    days = d.assign(_day=d[date].dt.normalize()).drop_duplicates([customer, "_day"])
    g = days.groupby(customer)["_day"]
    first, last, n = g.min(), g.max(), g.size()
    out = pd.DataFrame({"x": (n - 1).astype("float64"),
                        "t_x": (last - first).dt.days / unit_days,
                        "T": (end - first).dt.days / unit_days})
    out.index.name = customer
    return out


class _Histories:
    """Histories as indexes into their distinct values: x, t_x and T take few distinct values (whole days),
    so each log-gamma, log-beta and log term is computed once per value, not once per customer."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray) -> None:
        self.xs, self.ix = np.unique(x, return_inverse=True)
        self.ts, self.it = np.unique(t_x, return_inverse=True)
        self.Ts, self.iT = np.unique(T, return_inverse=True)
        self.repeat = x > 0
        self.w = w

    def loglik(self, params: np.ndarray) -> np.ndarray:
        r, alpha, a, b = params
        xs = self.xs
        per_x = (special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha)
                 + special.betaln(a, b + xs) - special.betaln(a, b))
        rx = (r + xs)[self.ix]
        alive = -rx * np.log(alpha + self.Ts)[self.iT]
        with np.errstate(divide="ignore", invalid="ignore"):
            drop_x = np.log(a) - np.log(b + xs - 1)
        dropped = np.where(self.repeat, drop_x[self.ix] - rx * np.log(alpha + self.ts)[self.it], -np.inf)
        return per_x[self.ix] + np.logaddexp(alive, dropped)


def fit(history: pd.DataFrame, *, min_repeat_buyers: int = MIN_REPEAT_BUYERS) -> Fit:
    """Maximum-likelihood r, α, a, b for histories with columns x, t_x, T (see :func:`summary`)."""
    h = history[["x", "t_x", "T"]].astype("float64")
    h = h[(h["T"] > 0) & np.isfinite(h).all(axis=1)]
    repeat = int((h["x"] > 0).sum())
    if repeat < min_repeat_buyers:
        return Fit(customers=len(h), repeat_buyers=repeat,
                   reason=f"too few repeat buyers ({repeat} < {min_repeat_buyers})")
    grouped = h.groupby(["x", "t_x", "T"]).size().reset_index(name="w")
    hist = _Histories(*(grouped[c].to_numpy(dtype="float64") for c in ("x", "t_x", "T", "w")))
    scale = float(h["T"].mean()) or 1.0  # α is in time units: start it near the data's scale

    def nll(log_params: np.ndarray) -> float:
        with np.errstate(all="ignore"):  # the optimiser may try parameters where the terms overflow
            value = -float((hist.w * hist.loglik(np.exp(log_params))).sum()) / len(h)  # not np.dot: BLAS threads
        return value if np.isfinite(value) else 1e300

    start = np.log([1.0, scale, 1.0, 1.0])
    # quasi-Newton on log-parameters; Nelder-Mead (slower, no gradient) only if it fails
    res = optimize.minimize(nll, start, method="L-BFGS-B", options={"ftol": 1e-12, "gtol": 1e-8})
    if not res.success:
        res = optimize.minimize(nll, res.x, method="Nelder-Mead",
                                options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 4000, "maxfev": 8000})
    r, alpha, a, b = np.exp(res.x)
    if not np.isfinite(res.fun) or not all(np.isfinite([r, alpha, a, b])):
        return Fit(customers=len(h), repeat_buyers=repeat, reason="the fit did not converge")
    return Fit(float(r), float(alpha), float(a), float(b), len(h), repeat, float(-res.fun * len(h)))


def p_alive(f: Fit, history: pd.DataFrame) -> pd.Series:
    """P(alive | x, t_x, T) per customer (1 for a customer with no repeat purchase, by the model)."""
    x, t_x, T = (history[c].to_numpy(dtype="float64") for c in ("x", "t_x", "T"))
    with np.errstate(over="ignore", divide="ignore"):
        log_odds = (np.log(f.a) - np.log(np.maximum(f.b + x - 1, 1e-300))
                    + (f.r + x) * (np.log(f.alpha + T) - np.log(f.alpha + t_x)))
        odds = np.where(x > 0, np.exp(log_odds), 0.0)
    return pd.Series(1.0 / (1.0 + odds), index=history.index, name="p_alive")


def expected_purchases(f: Fit, history: pd.DataFrame, t: float) -> pd.Series:
    """Expected purchases in the next ``t`` time units per customer (FHL 2005, equation 10)."""
    x, t_x, T = (history[c].to_numpy(dtype="float64") for c in ("x", "t_x", "T"))
    r, alpha, a, b = f.r, f.alpha, f.a, f.b
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    with np.errstate(over="ignore"):
        odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return pd.Series(first / (1 + odds), index=history.index, name="expected")


def score(orders: pd.DataFrame, as_of: dt.date, *, horizon_days: float = 90) -> tuple[Fit, pd.DataFrame]:
    """Fit on the orders up to ``as_of`` and score every customer: p_alive and expected orders in ``horizon_days``.

    ``orders`` needs customer_id and order_date (counted orders only). When the fit is not trusted
    (``Fit.ok`` is False) the frame has the histories and empty scores.
    """
    h = summary(orders, as_of)
    f = fit(h)
    out = h.copy()
    if f.ok:
        out["p_alive"] = p_alive(f, h)
        out["expected_90d"] = expected_purchases(f, h, horizon_days / UNIT_DAYS)
    else:
        out["p_alive"] = np.nan
        out["expected_90d"] = np.nan
    return f, out

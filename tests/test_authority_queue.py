"""The licensing authority is an M/M/c queue: its mean time in system matches Erlang C."""

from __future__ import annotations

import math

import numpy as np
import simpy

from simulator.model.authority import Application, Authority
from simulator.model.clock import ModelEnvironment
from simulator.model.streams import Streams
from simulator.regimes.loading import load_regime
from simulator.scenario.distributions import Distribution
from simulator.scenario.values import Authority as AuthorityTerms
from simulator.scenario.values import ItemReview

INDIVIDUAL = load_regime("japan").licence("individual")
NAMES = ("photoresist", "photoresist", "maker", "fab")


def erlang_c_time_in_system(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in an M/M/c system: waiting (Erlang C) plus service."""
    load = arrival_rate / service_rate
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    p_wait = top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)
    return p_wait / (servers * service_rate - arrival_rate) + 1 / service_rate


def _applications(env: simpy.Environment, authority: Authority, rate: float, count: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(99)
    for _ in range(count):
        yield env.timeout(rng.exponential(1 / rate))
        authority.apply("channel", NAMES, INDIVIDUAL, 1.0)


def test_mean_time_in_system_matches_mmc() -> None:
    """With Poisson applications and exponential reviews, 2 examiners at load 0.8 match M/M/2."""
    arrival_rate, mean_review, servers, count = 0.8, 2.0, 2, 40_000
    terms = ItemReview("photoresist", Distribution("exponential", mean=mean_review))
    env = ModelEnvironment()
    done: list[Application] = []
    authority = Authority(env, AuthorityTerms(examiners=servers, items=(terms,)), Streams(5, 0), done)
    env.process(_applications(env, authority, arrival_rate, count))
    env.run()
    assert len(done) == count
    times = np.array([a.decided - a.filed for a in done[2_000:] if a.decided is not None])
    batches = np.array([b.mean() for b in np.array_split(times, 20)])
    half_width = 2.861 * batches.std(ddof=1) / math.sqrt(len(batches))  # t(0.995, 19): a 99% interval
    expected = erlang_c_time_in_system(arrival_rate, 1 / mean_review, servers)
    assert abs(batches.mean() - expected) < half_width, (batches.mean(), expected, half_width)
    assert math.isclose(expected, 50 / 9)  # by hand: M/M/2 gives W = (1/mu) / (1 - rho^2) = 2 / 0.36

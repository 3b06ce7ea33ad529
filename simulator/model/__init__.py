"""The supply model: one replication of a scenario under a regime, as records.

Each mechanism has one module: the clock and its phases (:mod:`~simulator.model.clock`),
stock arithmetic (:mod:`~simulator.model.stock`), the fab and its replenishment policy
(:mod:`~simulator.model.fab`), where a fab buys (:mod:`~simulator.model.sourcing`), suppliers
and their lines (:mod:`~simulator.model.supply`), the licensing authority
(:mod:`~simulator.model.authority`), an order's life (:mod:`~simulator.model.orders`), the
policy timeline (:mod:`~simulator.model.policy`), the wiring of one replication
(:mod:`~simulator.model.world`) and running it (:mod:`~simulator.model.run`). What a run
emits is in :mod:`~simulator.model.records`, and the metrics computed from it in
:mod:`~simulator.model.metrics`, monthly imports as customs count them in
:mod:`~simulator.model.customs`.
"""

from simulator.model.clock import DelayError
from simulator.model.run import prepare, replicate, simulate
from simulator.model.world import Setup

__all__ = ["DelayError", "Setup", "prepare", "replicate", "simulate"]

"""Check a shipment and read its explanation.

May Stella Chemifa ship hydrogen fluoride to Samsung in Korea on 10 Jul 2019, under Japan's
regime? The exporter is described by the attributes Japan's regime declares (``exportsim regime
show`` lists them): here an internal compliance programme and a continuing relationship with
the importer, named although they are the established exporter's defaults. The answer is the
least burdensome authorisation the rules allow this exporter, the review it needs, and the
reasons in legal order, each with its citation.

    python examples/check_shipment.py
"""

import datetime as dt

from simulator import Application, decide, exporter_of, load_regime


def main() -> None:
    """Decide one shipment and print the decision with its reasons."""
    japan = load_regime("japan")
    exporter = exporter_of(japan, has=["icp", "continuing"])
    decision = decide(japan, Application("hydrogen-fluoride", "KR", dt.date(2019, 7, 10), exporter))
    print(f"licence: {decision.licence}; review: {decision.standard_processing_days} days")
    for n, reason in enumerate(decision.explanation, 1):
        print(f"{n}. [{reason.rule}] {reason.text}\n   ({reason.citation})")


if __name__ == "__main__":
    main()

"""Commands of the predictive models: clv fit, clv validate, clv score, recommend evaluate."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from ecrm_desktop.cli.common import Parser, flag, iso_date, signed_in

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    clv_cmd = add("clv", "customer-lifetime models (BG/NBD and Gamma-Gamma)")
    clv_cmd.set_defaults(handler=_clv)
    clv = clv_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    fit = clv.add_parser("fit", parents=[common], help="fit the models on a transaction CSV",
                         description="Fit BG/NBD and Gamma-Gamma on any transaction CSV: one header row, ISO 8601 "
                                     "dates; purchases of one customer on one day count as one transaction.")
    fit.add_argument("--transactions", type=Path, required=True, metavar="FILE.csv")
    fit.add_argument("--customer-col", default="customer")
    fit.add_argument("--date-col", default="date")
    fit.add_argument("--amount-col", default="amount")
    fit.add_argument("--calibration-end", type=iso_date, required=True, metavar="DATE")
    fit.add_argument("--time-unit", choices=("weeks", "days"), default="weeks")
    clv.add_parser("validate", parents=[common],
                   help="fit on the workspace's orders up to DATE and compare with what happened after"
                   ).add_argument("--calibration-end", type=iso_date, required=True, metavar="DATE")
    clv.add_parser("score", parents=[common],
                   help="score every customer and store the predictions (run after 'ecrm sync' in scripts)",
                   description="Fit the models on every order up to DATE (default today, UTC), store each "
                               "customer's predictions and each product's neighbours for recommendations."
                   ).add_argument("--today", type=iso_date, metavar="DATE")

    recommend_cmd = add("recommend", "product recommendations")
    recommend_cmd.set_defaults(handler=_recommend)
    recommend_cmd.add_subparsers(dest="action", parser_class=Parser, required=True).add_parser(
        "evaluate", parents=[common], help="hit rate at 10 on each customer's last order, against a most-popular "
                                           "baseline")


def _clv(args: argparse.Namespace) -> int:
    from ecrm_desktop.services import clv

    if args.action == "fit":
        result = clv.fit_transactions_csv(args.transactions, customer_col=args.customer_col, date_col=args.date_col,
                                          amount_col=args.amount_col, calibration_end=args.calibration_end,
                                          time_unit=args.time_unit)
        if flag(args, "json"):
            print(json.dumps(result))
        else:
            b, g = result["bgnbd"], result["gamma_gamma"]
            print(f"{result['customers']:,} customers, time unit {result['time_unit']}, {result['seconds']} s\n"
                  f"BG/NBD       r={b['r']:.4g} alpha={b['alpha']:.4g} a={b['a']:.4g} b={b['b']:.4g} "
                  f"log-likelihood={b['log_likelihood']:.1f}\n"
                  f"Gamma-Gamma  p={g['p']:.4g} q={g['q']:.4g} gamma={g['gamma']:.4g} "
                  f"log-likelihood={g['log_likelihood']:.1f}")
        return 0
    if args.action == "score":
        return _score(args)
    with signed_in(args) as session:
        report = clv.validate_workspace(session, args.calibration_end)
    if flag(args, "json"):
        print(json.dumps(report))
        return 0
    print(f"Calibration to {report['calibration_end']}, holdout {report['holdout_days']} days to "
          f"{report['holdout_end']}, {report['customers']:,} customers\n"
          f"Repeat purchases in the holdout: predicted {report['predicted_repeat_purchases']:,.0f}, "
          f"actual {report['actual_repeat_purchases']:,}\n\n"
          f"{'calibration repeat purchases':<30}{'customers':>10}{'predicted':>12}{'actual':>10}")
    for row in report["by_frequency"]:
        if row["customers"]:
            print(f"{row['frequency']:<30}{row['customers']:>10,}{row['predicted_mean']:>12.2f}"
                  f"{row['actual_mean']:>10.2f}")
    return 0


def _score(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.predictions import refresh_predictions

    with signed_in(args) as session:
        summary = refresh_predictions(session, args.today)
    result = {"customers": summary.customers, "products": summary.products, "seconds": round(summary.seconds, 1)}
    print(json.dumps(result) if flag(args, "json") else
          f"Scored {summary.customers:,} customers and {summary.products:,} products in {summary.seconds:.1f} s.")
    return 0


def _recommend(args: argparse.Namespace) -> int:
    from ecrm_desktop.services import recommend

    with signed_in(args) as session:
        report = recommend.evaluate(session)
    print(json.dumps(report) if flag(args, "json") else
          "\n".join(f"{k}: {v}" for k, v in report.items()))
    return 0

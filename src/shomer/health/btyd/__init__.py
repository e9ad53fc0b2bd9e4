"""Buy-till-you-die models: who is still a customer, and how much will they buy.

Pure numpy/scipy, no Django. Customers who can leave without telling us get BG/NBD
(Fader, Hardie & Lee 2005) and Pareto/NBD (Schmittlein, Morrison & Colombo 1987), fitted by
maximum likelihood on the RFM summary (frequency, recency, T); spend gets the Gamma-Gamma
model; retainer and subscription customers, whose leaving we see, get the
shifted-beta-geometric model (Fader & Hardie 2007). Every likelihood is computed in log
space with an analytic gradient and maximised over log-parameters; a fit that fails raises
FitError instead of returning NaN. docs/btyd.md explains the formulas and choices.
"""

from shomer.health.btyd.bgnbd import (
    BGNBDParams,
    bgnbd_expected_transactions,
    bgnbd_gradient,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    fit_bgnbd,
    simulate_bgnbd,
)
from shomer.health.btyd.fitting import Fit, FitError
from shomer.health.btyd.gamma_gamma import (
    GammaGammaParams,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
    gamma_gamma_log_likelihood,
)
from shomer.health.btyd.pareto_nbd import (
    ParetoNBDParams,
    fit_pareto_nbd,
    pareto_nbd_expected_transactions,
    pareto_nbd_gradient,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    simulate_pareto_nbd,
)
from shomer.health.btyd.sbg import (
    SBGParams,
    fit_sbg,
    sbg_log_likelihood,
    sbg_retention_rates,
    sbg_survival,
)
from shomer.health.btyd.summary import (
    SUMMARY_COLUMNS,
    Summary,
    SummaryError,
    SummaryTable,
    check_summary,
    parse_summary_csv,
    rfm_summary,
)

__all__ = [
    "SUMMARY_COLUMNS",
    "BGNBDParams",
    "Fit",
    "FitError",
    "GammaGammaParams",
    "ParetoNBDParams",
    "SBGParams",
    "Summary",
    "SummaryError",
    "SummaryTable",
    "bgnbd_expected_transactions",
    "bgnbd_gradient",
    "bgnbd_log_likelihood",
    "bgnbd_p_alive",
    "check_summary",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "fit_sbg",
    "gamma_gamma_expected_spend",
    "gamma_gamma_log_likelihood",
    "pareto_nbd_expected_transactions",
    "pareto_nbd_gradient",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_p_alive",
    "parse_summary_csv",
    "rfm_summary",
    "sbg_log_likelihood",
    "sbg_retention_rates",
    "sbg_survival",
    "simulate_bgnbd",
    "simulate_pareto_nbd",
]

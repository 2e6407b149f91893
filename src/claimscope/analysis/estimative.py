"""ICD 203's expressions of likelihood: the words an estimate uses for a probability."""

from __future__ import annotations

import pandas as pd


def express_likelihood(percent: float, likelihoods: pd.DataFrame) -> str:
    """Return the ICD 203 expression for a probability given in percent.

    A band holds its lower bound and not its upper one, so a boundary value belongs to the
    band above it (55 % is "likely"); the last band also holds its upper bound (99 %).

    Args:
        percent: Probability, in percent.
        likelihoods: The ``likelihoods`` table, bands in ascending order.

    Raises:
        ValueError: the probability lies outside every band (ICD 203 has no words for it).

    >>> import claimscope as cs
    >>> bands = cs.load().likelihoods
    >>> [express_likelihood(p, bands) for p in (54.9, 55, 99)]
    ['roughly even chance', 'likely', 'almost certain']
    """
    lows, highs = list(likelihoods["low_percent"]), list(likelihoods["high_percent"])
    last = len(lows) - 1
    for i, expression in enumerate(likelihoods["expression"]):
        if lows[i] <= percent < highs[i] or (i == last and percent == highs[i]):
            return str(expression)
    raise ValueError(
        f"percent: {percent!r} lies outside the bands of ICD 203 ({lows[0]} to {highs[-1]} %)"
    )

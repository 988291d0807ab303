"""Rounding as people do it on paper, the one rule for every figure saferplan prints.

Half-up (2.345 -> 2.35, 0.125 -> 0.13), not Python's round-half-to-even on binary floats
(which prints 0.125 as 0.12); ratios are worked in decimal, so a tie is a tie.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | Decimal, decimals: int) -> Decimal:
    """Round as people do on paper (2.345 -> 2.35), not banker's rounding; never "-0.0"."""
    result = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def scaled_ratio(numerator: float, denominator: float, scale: float, decimals: int) -> Decimal:
    """numerator ÷ denominator × scale, worked in decimal and rounded half-up."""
    exact = Decimal(str(numerator)) * Decimal(str(scale)) / Decimal(str(denominator))
    return round_half_up(exact, decimals)

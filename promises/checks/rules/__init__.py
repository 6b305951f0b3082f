"""The rule families, one module each; importing this package registers every rule.

PromisesConfig.ready() imports it, so the registry is complete before any request, task or
command runs, whatever else was imported first.
"""

from promises.checks.rules import campaign, pricing, returns, shipping, stock

__all__ = ["campaign", "pricing", "returns", "shipping", "stock"]

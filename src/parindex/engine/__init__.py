"""The pure scoring engine: framework tree, leaf rules, aggregation, index, ranking, bands.

Nothing here imports Django (a test enforces it), so the arithmetic of the whole system is one
place that runs on files alone (`parindex compute`) and is tested with property-based tests.
Every number is a `decimal.Decimal`; rounding (half-up, two places) happens only on output.
"""

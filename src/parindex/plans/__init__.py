"""The year's reform work that fills criteria by itself: reform plans and their tasks, periodic
reports, the public-service portal's monthly figures, and the prefill of the framework leaves
that declare a `source` (see docs/formats.md)."""

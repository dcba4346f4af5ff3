"""Essaim's benchmark: a reproducible dataset, the production server stack and a loopback load driver.

Run it with ``python -m bench.run --size S|M --db sqlite|postgres`` (or ``make bench``).
"""

"""Team review: accounts, packets with frozen versions, cycles, ratings, calibration, audit.

The web server is a thin layer over these functions; each takes a SQLAlchemy session and
leaves committing to its caller, so one request is one transaction.
"""

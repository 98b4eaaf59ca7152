"""Connectors: evidence pulled from where it lives (GitHub, PagerDuty, an MLflow tracking
server, ...) instead of exported by hand.

``[[sync]]`` tables in perfpacket.toml name the sources (:mod:`.config`); each kind is a
connector plugin (:mod:`.connector`) that reads pages through one HTTP client with
pagination, rate limits and retries (:mod:`.http`); :mod:`.run` stores each page batch in one
transaction together with the source's cursor, through the same writer every file import uses.
"""

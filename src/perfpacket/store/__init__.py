"""The app database: SQLAlchemy models and the store that opens and migrates them."""

from perfpacket.store.db import Store, normalise_url, open_store

__all__ = ["Store", "normalise_url", "open_store"]

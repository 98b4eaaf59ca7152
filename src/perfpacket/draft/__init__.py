"""Drafting: a first packet written from the evidence (:mod:`.compose`), the person's own text
rewritten where lint flags it (:mod:`.rewrite`), and prose polished by a language model only
under a guard that refuses any number no claim computed (:mod:`.guard`, :mod:`.polish`)."""

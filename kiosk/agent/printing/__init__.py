"""Metered printing: CUPS jobs held, counted, priced, confirmed by the visitor, released."""

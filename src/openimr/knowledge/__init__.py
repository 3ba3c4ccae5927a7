"""Concept tables: one table per concept (anatomy, drugs, treatments, the formulary), each a
YAML file with a Provenance header and pydantic rows, read by `tables.load_table`.

The stages (`requests`, `evidence`, `guidelines`, `engine`, `letters`) build their matchers from
these tables; no concept is written anywhere else.
"""

"""Benchmarks for hybridchain: labelled corpora and the scripts that score detectors on them."""

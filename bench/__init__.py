"""Benchmarks: ``make bench`` runs them, prints a table, writes bench/results/*.json."""

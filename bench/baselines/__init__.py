"""Bare programs the benchmarks compare the app with (same widgets, none of our logic)."""

"""Fictional sample meetings (bundles), shipped in the wheel as mapm_tui.sample_data."""

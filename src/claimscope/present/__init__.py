"""Presentation: tables, prose, charts and display for readers, built from the analysis' frames."""

"""Analysis: pure functions from the dataset's DataFrames to DataFrames and graphs, no display."""

"""Data: reading, checking and writing the data package; imports nothing else of claimscope."""

"""Rules, word lists and other data files, read with importlib.resources."""

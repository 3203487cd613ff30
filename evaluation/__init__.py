"""Evaluation scripts, one per check family: `python evaluation/eval_<family>.py`."""

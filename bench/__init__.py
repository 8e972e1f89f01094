"""careerbot's benchmarks: `python -m bench.run` (make bench) and `bench/nlu_compare.py`."""

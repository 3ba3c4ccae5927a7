"""Agreement with real decisions: re-deciding published letters, metrics, benchmarks."""

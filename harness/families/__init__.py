"""Shared evaluators, one per task family (verilog, kernels, hls)."""

"""HLS bug-finding family: C-simulation, mutation operators, answers, scoring and loaders.

A model is shown Vitis-style HLS C++ and says whether it has a bug, where, of which kind, and
gives a fixed kernel; the fix is executed against the kernel's testbench (see ``score``).
"""

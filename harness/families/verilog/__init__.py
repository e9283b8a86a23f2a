"""The Verilog/RTL family: extraction, integrity rules, mutation, cocotb/testbench evaluation."""

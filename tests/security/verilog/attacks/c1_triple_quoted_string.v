// red team 14 S1-S4: Verilator (the fallback build of an answer Icarus cannot compile) reads
// """x"y""" as one string; quotes paired one at a time made the code after it a string to the
// scan, so $fopen/$system/$readmemh there ran under Verilator.
// expect: rejected triple_quote
// targets: all
{{HEADER}}
  {{WRONG}}
  localparam string HWQ = """x"y"""; integer fd; initial fd = $fopen("tb.py", "r"); localparam string HWQ2 = "";
endmodule

// red team 14b S1: Verilator (the fallback build) ends an attribute at the first *), inside a
// string or not; the checks read the string "x*) ... (* keep = " as one literal, so the code
// between ran unscanned under Verilator ($system, file I/O, anything the scan forbids).
// expect: rejected attribute_string
// targets: all
{{HEADER}}
  {{WRONG}}
  (* keep = "x*) integer fd; initial fd = $fopen(NAME, MODE); (* keep = " *) wire hweval_unused;
endmodule

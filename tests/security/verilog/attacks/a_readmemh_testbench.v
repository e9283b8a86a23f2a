// allowlist: reading the testbench (or any file) as memory contents.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  reg [31:0] mem [0:1023];
  initial $readmemh("tb.py", mem);
endmodule

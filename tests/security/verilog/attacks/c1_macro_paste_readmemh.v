// class 1: $readmemh (reading the testbench's files as memory) pasted from pieces.
// expect: rejected file_io
// targets: all
`define A $readm
`define B emh
{{HEADER}}
  {{WRONG}}
  reg [31:0] mem [0:255];
  initial `A`B("tb.sv", mem);
endmodule

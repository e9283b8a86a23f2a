// RTLLM adder, behavioural, with `define constants, localparam, and a $display.
// expect: pass
// targets: rtllm-adder
`define WIDTH 4
{{HEADER}}
  localparam int W = `WIDTH;
  logic [W:0] total;
  always_comb total = a + b + cin;
  assign {cout, sum} = total;
  initial $display("adder of width %0d", W);
endmodule

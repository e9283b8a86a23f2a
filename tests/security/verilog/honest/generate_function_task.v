// A generate loop, a function and a task; comments and strings that mention $finish and $fopen.
// expect: pass
// targets: core-and, v1-and, v2-and
{{HEADER}}
  // this design never calls $finish or $fopen, nor `include "anything"
  localparam integer N = 1;
  function automatic logic and_f(input logic x, input logic y);
    and_f = x & y;
  endfunction
  task automatic show(input logic v);
    if (v === 1'bx) $display("unknown value (not $fopen)");
  endtask
  wire [N-1:0] bits;
  genvar i;
  generate
    for (i = 0; i < N; i = i + 1) begin : g_and
      assign bits[i] = and_f(a, b);
    end
  endgenerate
  assign {{OUT}} = bits[0];
  always @(a) show(a);
endmodule

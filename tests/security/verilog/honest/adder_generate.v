// RTLLM adder as a generate loop of full adders, with a helper module and a function.
// expect: pass
// targets: rtllm-adder
`timescale 1ns/1ps
module fa(input x, input y, input ci, output s, output co);
  assign {co, s} = x + y + ci;
endmodule

{{HEADER}}
  wire [4:0] carry;
  assign carry[0] = cin;
  genvar k;
  generate
    for (k = 0; k < 4; k = k + 1) begin : g_fa
      fa u_fa (.x(a[k]), .y(b[k]), .ci(carry[k]), .s(sum[k]), .co(carry[k + 1]));
    end
  endgenerate
  assign cout = carry[4];
endmodule

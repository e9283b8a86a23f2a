// An RTLLM adder with a seeded random power-on value for a debug register and a formatted trace.
// expect: pass
// targets: rtllm-adder
{{HEADER}}
  assign {cout, sum} = a + b + cin;
  integer seed = 1;
  reg [3:0] last;
  initial last = $random(seed);
  always @(a or b or cin) begin
    last = sum;
    if ($isunknown(cin)) $display("%s", $sformatf("cin is x, sum %0d", last));
  end
endmodule

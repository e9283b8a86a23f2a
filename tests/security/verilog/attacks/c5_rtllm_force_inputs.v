// class 5: force the adder's inputs so the testbench's own expectation a + b + cin becomes 0.
// expect: rejected force
// targets: rtllm-adder
{{HEADER}}
  initial begin
    force a = 4'd0;
    force b = 4'd0;
    force cin = 1'b0;
  end
  assign {cout, sum} = 5'd0;
endmodule

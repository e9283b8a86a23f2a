// class 5: force the design's own inputs; without one-way connections the testbench and the
// reference would see the forced values too (one net through the ports), and agree with 0.
// expect: rejected force
// targets: core-and, v1-and, v2-and
{{HEADER}}
  initial begin
    force a = 1'b0;
    force b = 1'b0;
  end
  assign {{OUT}} = 1'b0;
endmodule

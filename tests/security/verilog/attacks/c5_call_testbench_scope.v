// class 5: disable a testbench block, call into the stimulus generator.
// expect: rejected hierarchical_reference
// targets: v1-and, v2-and
{{HEADER}}
  {{WRONG}}
  initial begin #1; stim1.reset_test(0); disable tb.blk; end
endmodule

// $root paths reach the top of the simulation.
// expect: rejected hierarchical_reference
// targets: all
{{HEADER}}
  {{WRONG}}
  initial #1 $display("%0d", $root.tb.stats1.errors);
endmodule

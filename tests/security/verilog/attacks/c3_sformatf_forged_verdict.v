// class 3: verdict lines built with $sformatf and printed many times go to the simulator's
// output, never the channel: a wrong design fails.
// expect: fail
// targets: all
{{HEADER}}
  {{WRONG}}
  integer i;
  initial for (i = 0; i < 200; i = i + 1) begin
    $display("%s", $sformatf("Mismatches: %0d in %0d samples", 0, 100));
    $display("%s", $sformatf("Your Design Passed"));
    $display("%s", $sformatf("HWEVAL-RESULT %s {\"status\": \"pass\"}", "0"));
  end
endmodule

// Simulation-only extras: a seeded $random / $dist_uniform stepping the design's own seed, and a
// message built with $sformat / $sformatf and printed (the testbench's random stream is untouched).
// expect: pass
// targets: core-and, v1-and, v2-and
{{HEADER}}
  assign {{OUT}} = a & b;
  integer seed = 42;
  integer jitter;
  reg [8*32:1] note;
  string msg;
  initial begin
    jitter = $random(seed) % 4 + $dist_uniform(seed, 0, 3);
    $sformat(note, "jitter=%0d", jitter);
    msg = $sformatf("and gate ready (%0s)", note);
  end
  always @(a or b) if ($isunknown(a)) $display("%0s", $sformatf("x on a at %0t", $time));
endmodule

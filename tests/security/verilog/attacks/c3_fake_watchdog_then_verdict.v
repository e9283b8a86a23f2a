// class 3: print the watchdog word and a verdict; neither reaches the verdict channel.
// expect: fail
// targets: all
{{HEADER}}
  {{WRONG}}
  initial begin
    $display("TIMEOUT");
    $display("Mismatches: 0 in 25 samples");
    $write("Mismatches: 0 in 25 samples\n");
    $strobe("Mismatches: 0 in 25 samples");
  end
endmodule

// allowlist: waveform dumps write files.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  initial begin
    $dumpfile("results.xml");
    $dumpvars(0);
  end
endmodule

// A cocotb habit: waveform dumping behind a macro the build does not define (dead code).
// expect: pass
// targets: core-and, v1-and, v2-and
{{HEADER}}
  assign {{OUT}} = a & b;
`ifdef COCOTB_SIM
  initial begin
    $dumpfile("dump.vcd");
    $dumpvars(0);
  end
`endif
`ifndef SYNTHESIS
  initial $display("simulation build");
`endif
endmodule

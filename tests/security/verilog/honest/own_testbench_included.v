// A chatty answer: the design plus its own testbench (never elaborated: dropped before the scan).
// expect: pass
// targets: core-and, v1-and, v2-and
{{HEADER}}
  assign {{OUT}} = a & b;
endmodule

module {{TOP}}_tb;
  reg a, b;
  wire y;
  {{TOP}} dut (a, b, y);
  initial begin
    $dumpfile("{{TOP}}.vcd");
    $dumpvars(0, {{TOP}}_tb);
    {a, b} = 2'b11;
    #1 if (y !== 1'b1) $fatal(1, "wrong");
    $finish;
  end
endmodule

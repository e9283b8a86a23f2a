// class 1: `$finish` built with the token-paste operator inside a macro with arguments.
// expect: rejected early_finish
// targets: all
`define STOP(x, y) x``y
{{HEADER}}
  {{WRONG}}
  initial begin
    #3;
    `STOP($fin, ish);
  end
endmodule

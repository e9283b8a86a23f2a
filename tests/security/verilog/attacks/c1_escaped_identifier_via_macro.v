// class 1: an escaped system-task name produced by a macro.
// expect: rejected early_finish
// targets: all
`define ESC \$finish
{{HEADER}}
  {{WRONG}}
  initial begin #2; `ESC ; end
endmodule

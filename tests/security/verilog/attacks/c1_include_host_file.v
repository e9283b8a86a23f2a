// class 1: `include pulls in a file at compile time.
// expect: rejected include
// targets: all
{{HEADER}}
  {{WRONG}}
`include "/etc/hostname"
endmodule

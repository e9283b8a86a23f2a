// bind places an instance inside another module.
// expect: rejected bind
// targets: all
{{HEADER}}
  {{WRONG}}
endmodule
bind tb {{TOP}} spy ();

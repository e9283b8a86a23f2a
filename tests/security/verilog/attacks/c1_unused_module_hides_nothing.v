// A module the design instantiates only through an escaped name is still kept and scanned.
// expect: rejected early_finish
// targets: all
module \stopper ;
  initial begin #3; $finish; end
endmodule
{{HEADER}}
  {{WRONG}}
  \stopper s ();
endmodule

// DPI calls into C.
// expect: rejected dpi
// targets: all
import "DPI-C" function int system(input string cmd);
{{HEADER}}
  {{WRONG}}
endmodule

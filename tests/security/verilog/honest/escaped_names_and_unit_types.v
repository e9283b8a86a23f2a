// Escaped identifiers, a package, a unit-scope typedef and parameter, attributes.
// expect: pass
// targets: core-and, v1-and, v2-and
package gate_pkg;
  typedef logic bit1_t;
  localparam bit1_t ONE = 1'b1;
endpackage
typedef enum logic {LOW = 1'b0, HIGH = 1'b1} level_t;
parameter int UNIT_WIDTH = 1;

{{HEADER}}
  import gate_pkg::*;
  (* keep *) wire \and-result ;
  level_t lvl;
  assign \and-result = a & b & ONE;
  always @* if (\and-result ) lvl = HIGH; else lvl = LOW;
  assign {{OUT}} = (lvl == HIGH);
endmodule

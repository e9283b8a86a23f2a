// class 1: a macro whose arguments are glued into a system task name.
// expect: rejected host_access
// targets: all
`define CALL(head, tail, arg) head``tail(arg)
{{HEADER}}
  {{WRONG}}
  initial `CALL($sys, tem, "cat /etc/hostname");
endmodule

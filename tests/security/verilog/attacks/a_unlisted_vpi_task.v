// allowlist: system tasks that are not on the list (VPI-registered or simulator-specific).
// expect: rejected system_task
// targets: all
{{HEADER}}
  {{WRONG}}
  integer r;
  initial begin
    r = 1;
    $printtimescale;
    $q_initialize(1, 1, 4, r);
    $countdrivers(r);
  end
endmodule

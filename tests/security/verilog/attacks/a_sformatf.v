// allowlist: string formatting is not a design function.
// expect: rejected system_task
// targets: all
{{HEADER}}
  {{WRONG}}
  string s;
  initial s = $sformatf("%s", "$fopen");
endmodule

// allowlist: $sformatf only builds a string: one that spells "$fopen" opens nothing, and a
// wrong design still fails.
// expect: fail
// targets: all
{{HEADER}}
  {{WRONG}}
  string s;
  initial s = $sformatf("%s(\"%s\")", "$fopen", "/proc/self/fd/9");
endmodule

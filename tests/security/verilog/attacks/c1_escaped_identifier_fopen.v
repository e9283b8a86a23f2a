// class 1: Icarus reads the escaped identifier \$fopen as the system task $fopen.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  integer fd;
  initial begin
    fd = \$fopen ("verdict.txt", "w");
    \$fdisplay (fd, "Mismatches: 0 in 25 samples");
  end
endmodule

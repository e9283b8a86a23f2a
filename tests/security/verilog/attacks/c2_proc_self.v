// class 2: the verdict channel or the job's memory through /proc.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  integer fd;
  initial begin
    fd = $fopen("/proc/self/fd/9", "w");
    $fdisplay(fd, "Mismatches: 0 in 25 samples");
    $fdisplay(fd, "===========Your Design Passed===========");
  end
endmodule

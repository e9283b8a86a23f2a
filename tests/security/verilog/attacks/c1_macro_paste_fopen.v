// class 1: a system task pasted from macro pieces; the text never says $fopen.
// expect: rejected file_io
// targets: all
`define A $fop
`define B en
`define W $fwri
`define E te
{{HEADER}}
  {{WRONG}}
  integer fd;
  initial begin
    fd = `A`B("verdict.txt", "w");
    `W`E(fd, "Mismatches: 0 in 25 samples\n");
  end
endmodule

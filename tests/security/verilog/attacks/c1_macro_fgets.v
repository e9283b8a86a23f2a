// class 1: $fopen/$fgets from pieces, reading the testbench to find a verdict line.
// expect: rejected file_io
// targets: all
`define OPEN $fo``pen
`define GETS(f, s) $fg``ets(s, f)
{{HEADER}}
  {{WRONG}}
  integer fd, n;
  reg [8*200:1] line;
  initial begin
    fd = `OPEN("sim.vvp", "r");
    n = `GETS(fd, line);
    $display("%0s", line);
  end
endmodule
